package dev.craft.client.service;

import java.time.Clock;
import java.util.Objects;
import java.util.Random;
import java.util.random.RandomGenerator;

/**
 * The time-dependent parts of retrying, injectable for tests.
 *
 * @param sleeper waits between attempts
 * @param clock   reads "now" for a Retry-After given as an HTTP date
 * @param jitter  randomises backoff delays
 */
public record RetryTiming(Sleeper sleeper, Clock clock, RandomGenerator jitter) {

    public RetryTiming {
        Objects.requireNonNull(sleeper, "sleeper");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(jitter, "jitter");
    }

    public static RetryTiming system() {
        return new RetryTiming(Sleeper.SYSTEM, Clock.systemUTC(), new Random());
    }
}
