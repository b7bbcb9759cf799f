package dev.craft.client.service;

import java.time.Duration;

/** Waits between attempts; replaced in tests so that they never sleep. */
@FunctionalInterface
public interface Sleeper {

    Sleeper SYSTEM = duration -> Thread.sleep(duration.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}
