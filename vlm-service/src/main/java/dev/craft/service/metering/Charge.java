package dev.craft.service.metering;

/**
 * What a metered request cost.
 *
 * @param queries   charged by this request (0 for an idempotent replay)
 * @param totalUsed the tenant's running total after it
 * @param remaining quota left after it
 */
public record Charge(long queries, long totalUsed, long remaining) {
}
