package dev.craft.service.compute;

import dev.craft.api.ProblemTypes;
import dev.craft.service.VlmProperties;
import dev.craft.service.problem.ApiException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Bounds the native memory of answers: logits stay in the engine's memory from their computation until the
 * last byte is written, and a slow client keeps them longer, so without a bound every client reading at once
 * adds its answer to the process. A computation reserves its answer's bytes first; one that does not fit is
 * refused with 503 and Retry-After before any work is done.
 */
@Component
public class AnswerMemory {

    private final long capacity;
    private final AtomicLong held = new AtomicLong();

    public AnswerMemory(VlmProperties properties, MeterRegistry registry) {
        this.capacity = properties.compute().answerMemoryBytes();
        Gauge.builder("vlm.compute.answer.memory", held, AtomicLong::get)
                .baseUnit(BaseUnits.BYTES)
                .description("Native memory held by answers computed and not yet delivered")
                .register(registry);
    }

    /** @throws ApiException 503 when the answers in flight leave less than {@code bytes} */
    public Lease reserve(long bytes) {
        long now;
        do {
            now = held.get();
            if (now + bytes > capacity) {
                throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, ProblemTypes.OVERLOADED,
                        "answers not yet delivered hold " + mib(now) + " of the service's " + mib(capacity)
                                + " answer memory and this answer needs " + mib(bytes) + "; retry later",
                        Map.of("retryAfterSeconds", 1));
            }
        } while (!held.compareAndSet(now, now + bytes));
        return new Lease(bytes);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
    }

    /** An answer's share; closing it (once, from any thread) gives the bytes back. */
    public final class Lease implements AutoCloseable {

        private final long bytes;
        private final AtomicBoolean released = new AtomicBoolean();

        private Lease(long bytes) {
            this.bytes = bytes;
        }

        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                held.addAndGet(-bytes);
            }
        }
    }
}
