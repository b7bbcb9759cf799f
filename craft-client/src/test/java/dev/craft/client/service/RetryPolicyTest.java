package dev.craft.client.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(1000));

    @Test
    void backoffDoublesWithinJitterAndIsCapped() {
        Random random = new Random(1);
        for (int failures = 1; failures <= 10; failures++) {
            long full = Math.min(1000, 100L << (failures - 1));
            assertThat(policy.backoff(failures, random)).isBetween(Duration.ofMillis(full / 2), Duration.ofMillis(full));
        }
    }

    @Test
    void sameSeedSameDelays() {
        assertThat(policy.backoff(3, new Random(5))).isEqualTo(policy.backoff(3, new Random(5)));
    }

    @Test
    void invalidPoliciesAreRefused() {
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO))
                .hasMessage("maxAttempts must be at least 1, got 0");
        assertThatThrownBy(() -> new RetryPolicy(2, Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageStartingWith("need 0 <= baseDelay <= maxDelay");
    }

    @Test
    void whichStatusesAreRetried() {
        Optional<Duration> after = Optional.of(Duration.ofSeconds(1));
        assertThat(RetryRules.isRetryable(429, Optional.empty())).isFalse();
        assertThat(RetryRules.isRetryable(429, after)).isTrue();
        assertThat(RetryRules.isRetryable(503, Optional.empty())).isTrue();
        assertThat(RetryRules.isRetryable(500, Optional.empty())).isTrue();
        assertThat(RetryRules.isRetryable(507, Optional.empty())).isFalse();
        for (int status : new int[] {400, 401, 404, 409, 413, 422}) {
            assertThat(RetryRules.isRetryable(status, after)).as("status %d", status).isFalse();
        }
    }

    @Test
    void retryAfterParsing() {
        Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        assertThat(RetryRules.retryAfter(Optional.of(" 7 "), clock)).contains(Duration.ofSeconds(7));
        assertThat(RetryRules.retryAfter(Optional.of("Wed, 31 Dec 2025 23:00:00 GMT"), clock)).contains(Duration.ZERO);
        assertThat(RetryRules.retryAfter(Optional.of("soon"), clock)).isEmpty();
        assertThat(RetryRules.retryAfter(Optional.of("-1"), clock)).isEmpty();
        assertThat(RetryRules.retryAfter(Optional.empty(), clock)).isEmpty();
    }
}
