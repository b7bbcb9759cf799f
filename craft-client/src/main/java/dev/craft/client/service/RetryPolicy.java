package dev.craft.client.service;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How often and how patiently a failed call is repeated.
 *
 * @param maxAttempts attempts in all, the first included (1 = never retry)
 * @param baseDelay   the backoff before the first retry, doubled for each further one
 * @param maxDelay    the longest backoff; a server's Retry-After is honoured even when longer
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {

    /** Ten attempts with backoff capped at 15 s: rides out roughly 40-75 s of outage, e.g. a service restart. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(10, Duration.ofMillis(500), Duration.ofSeconds(15));
    public static final RetryPolicy NEVER = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);

    public RetryPolicy {
        Objects.requireNonNull(baseDelay, "baseDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        if (baseDelay.isNegative() || maxDelay.compareTo(baseDelay) < 0) {
            throw new IllegalArgumentException("need 0 <= baseDelay <= maxDelay, got " + baseDelay + ", " + maxDelay);
        }
    }

    /** The default backoff with {@code retries} retries after the first attempt. */
    public static RetryPolicy withRetries(int retries) {
        return new RetryPolicy(retries + 1, DEFAULT.baseDelay(), DEFAULT.maxDelay());
    }

    /**
     * The wait after the {@code failures}-th failed attempt: "equal jitter", half of the capped exponential
     * delay plus a random share of the other half, so concurrent clients spread out yet always wait.
     */
    public Duration backoff(int failures, RandomGenerator random) {
        long capped = maxDelay.toMillis();
        long delay = baseDelay.toMillis();
        for (int i = 1; i < failures && delay < capped; i++) {
            delay *= 2;
        }
        delay = Math.min(delay, capped);
        long half = delay / 2;
        return Duration.ofMillis(half + random.nextLong(delay - half + 1));
    }
}
