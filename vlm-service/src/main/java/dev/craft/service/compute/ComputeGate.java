package dev.craft.service.compute;

import dev.craft.api.ProblemTypes;
import dev.craft.service.VlmProperties;
import dev.craft.service.problem.ApiException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Bounds model work: at most {@code concurrency} computations run, at most {@code queueLength} wait;
 * anything beyond is refused at once with 503 and Retry-After instead of piling up in memory.
 */
@Component
public class ComputeGate {

    private final Semaphore running;
    private final int queueLength;
    private final AtomicInteger waiting = new AtomicInteger();

    public ComputeGate(VlmProperties properties, MeterRegistry registry) {
        this.running = new Semaphore(properties.compute().concurrency(), true);
        this.queueLength = properties.compute().queueLength();
        Gauge.builder("vlm.compute.queue", waiting, AtomicInteger::get)
                .description("Requests waiting for the model")
                .register(registry);
    }

    public <T> T run(Supplier<T> work) {
        if (waiting.incrementAndGet() > queueLength) {
            waiting.decrementAndGet();
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, ProblemTypes.OVERLOADED,
                    "the model is busy: " + queueLength + " requests are already waiting; retry later",
                    Map.of("retryAfterSeconds", 1));
        }
        try {
            running.acquire();
        } catch (InterruptedException e) {
            waiting.decrementAndGet();
            Thread.currentThread().interrupt();
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, ProblemTypes.OVERLOADED,
                    "interrupted while waiting for the model", Map.of("retryAfterSeconds", 1));
        }
        waiting.decrementAndGet();
        try {
            return work.get();
        } finally {
            running.release();
        }
    }
}
