package dev.craft.service.predict;

/**
 * Validated prompt offsets: P rows of L x d values, flattened.
 */
record PromptBatch(int count, float[] values) {
}
