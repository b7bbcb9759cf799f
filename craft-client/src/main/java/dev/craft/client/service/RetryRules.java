package dev.craft.client.service;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Which error answers are worth repeating. 5xx are (the service charges nothing for a failed request),
 * except those that repetition cannot fix; 429 and 503 with a Retry-After header are, after that delay.
 * Every other 4xx is final: a 429 without Retry-After means the quota is spent.
 */
final class RetryRules {

    private RetryRules() {
    }

    static boolean isRetryable(int status, Optional<Duration> retryAfter) {
        if (status == 429) {
            return retryAfter.isPresent();
        }
        // 501 Not Implemented, 505 HTTP Version Not Supported, 507 Insufficient Storage: permanent for our purposes.
        return status >= 500 && status != 501 && status != 505 && status != 507;
    }

    /** Retry-After as delta-seconds or as an HTTP date; empty when absent or unreadable. */
    static Optional<Duration> retryAfter(Optional<String> header, Clock clock) {
        if (header.isEmpty()) {
            return Optional.empty();
        }
        String value = header.get().strip();
        if (value.matches("\\d{1,9}")) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(value)));
        }
        try {
            Duration wait = Duration.between(clock.instant(),
                    ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
