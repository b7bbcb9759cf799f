package dev.craft.client.service;

import dev.craft.api.Tensor;

/**
 * Logits of a metered call and what it cost.
 *
 * @param logits           [P, N, K] for predict, [B, K] for classify
 * @param queriesCharged   queries charged by this call (0 for a replay); -1 when the service did not say
 * @param queriesUsedTotal the tenant's running total after this call; -1 when the service did not say
 * @param replay           whether the service answered from an earlier call with the same idempotency key
 */
public record PredictResult(Tensor logits, long queriesCharged, long queriesUsedTotal, boolean replay) {
}
