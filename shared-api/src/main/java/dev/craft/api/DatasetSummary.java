package dev.craft.api;

import java.time.Instant;

/** One row of {@code GET /v1/datasets}. */
public record DatasetSummary(String datasetId, int size, Instant createdAt) {
}
