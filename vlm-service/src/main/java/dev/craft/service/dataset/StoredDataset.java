package dev.craft.service.dataset;

import java.time.Instant;
import java.util.List;

/** A dataset's metadata as persisted; its features are in the {@link FeatureStore}. */
record StoredDataset(String id, String tenant, String modelId, int size, int embedDim, List<String> fileNames,
                     Instant createdAt) {
}
