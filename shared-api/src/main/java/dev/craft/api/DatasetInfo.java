package dev.craft.api;

import java.time.Instant;
import java.util.List;

/**
 * A dataset: images encoded once at upload, in upload order.
 *
 * @param datasetId id to use in predict requests
 * @param size      number of images N
 * @param fileNames image names in upload order (archive entries by their path)
 * @param createdAt upload time
 */
public record DatasetInfo(String datasetId, int size, List<String> fileNames, Instant createdAt) {
}
