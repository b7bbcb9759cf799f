package dev.craft.service.dataset;

import dev.craft.api.Tensor;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Least-recently-used image features in memory, bounded in bytes. */
final class FeatureCache {

    private final long maxBytes;
    private final LinkedHashMap<String, Tensor> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    FeatureCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    synchronized Tensor get(String id) {
        return entries.get(id);
    }

    synchronized void put(String id, Tensor features) {
        long size = 4L * features.data().length;
        if (size > maxBytes) {
            return;
        }
        Tensor previous = entries.put(id, features);
        bytes += size - (previous == null ? 0 : 4L * previous.data().length);
        Iterator<Map.Entry<String, Tensor>> oldest = entries.entrySet().iterator();
        while (bytes > maxBytes && oldest.hasNext()) {
            Map.Entry<String, Tensor> entry = oldest.next();
            if (!entry.getKey().equals(id)) {
                bytes -= 4L * entry.getValue().data().length;
                oldest.remove();
            }
        }
    }

    synchronized void remove(String id) {
        Tensor removed = entries.remove(id);
        if (removed != null) {
            bytes -= 4L * removed.data().length;
        }
    }
}
