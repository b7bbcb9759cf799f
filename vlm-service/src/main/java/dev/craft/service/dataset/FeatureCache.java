package dev.craft.service.dataset;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Least-recently-used image features in (native) memory, bounded in bytes. */
final class FeatureCache {

    private final long maxBytes;
    private final LinkedHashMap<String, DatasetFeatures> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    FeatureCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    synchronized DatasetFeatures get(String id) {
        return entries.get(id);
    }

    synchronized void put(String id, DatasetFeatures features) {
        long size = features.bytes();
        if (size > maxBytes) {
            return;
        }
        DatasetFeatures previous = entries.put(id, features);
        bytes += size - (previous == null ? 0 : previous.bytes());
        Iterator<Map.Entry<String, DatasetFeatures>> oldest = entries.entrySet().iterator();
        while (bytes > maxBytes && oldest.hasNext()) {
            Map.Entry<String, DatasetFeatures> entry = oldest.next();
            if (!entry.getKey().equals(id)) {
                bytes -= entry.getValue().bytes();
                oldest.remove();
            }
        }
    }

    synchronized void remove(String id) {
        DatasetFeatures removed = entries.remove(id);
        if (removed != null) {
            bytes -= removed.bytes();
        }
    }
}
