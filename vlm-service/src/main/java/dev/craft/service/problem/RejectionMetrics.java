package dev.craft.service.problem;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/** {@code vlm.requests.rejected} (tag: reason, one per problem type) → {@code vlm_requests_rejected_total}. */
@Component
public class RejectionMetrics {

    private final MeterRegistry registry;

    public RejectionMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void rejected(String problemType) {
        Counter.builder("vlm.requests.rejected")
                .description("Requests answered with an error, by reason")
                .tag("reason", Problems.reasonOf(problemType))
                .register(registry)
                .increment();
    }
}
