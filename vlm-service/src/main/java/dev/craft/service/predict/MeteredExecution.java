package dev.craft.service.predict;

import dev.craft.api.ProblemTypes;
import dev.craft.service.auth.Tenant;
import dev.craft.service.metering.Charge;
import dev.craft.service.metering.QuotaLedger;
import dev.craft.service.metering.Reservation;
import dev.craft.service.problem.ApiException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Runs a metered computation: replays an idempotent retry for free, otherwise reserves the quota,
 * computes and charges only when the answer exists. The computation takes the ComputeGate itself.
 */
@Component
class MeteredExecution {

    private static final int MAX_KEY_LENGTH = 200;

    private final QuotaLedger ledger;
    private final MeterRegistry registry;

    MeteredExecution(QuotaLedger ledger, MeterRegistry registry) {
        this.ledger = ledger;
        this.registry = registry;
    }

    MeteredResult run(Tenant tenant, String endpoint, long queries, String idempotencyKey, String digest,
                      Supplier<ComputedLogits> computation) {
        String key = validKey(idempotencyKey);
        Timer.Sample sample = Timer.start(registry);
        try {
            Optional<QuotaLedger.PriorCharge> prior = key == null ? Optional.empty() : ledger.priorCharge(tenant, key);
            if (prior.isPresent()) {
                requireSameRequest(prior.get(), key, endpoint, digest);
                ComputedLogits logits = computation.get();
                return releasingOnFailure(logits, () -> {
                    var usage = ledger.usage(tenant);
                    return new MeteredResult(logits, new Charge(0, usage.queries(), usage.remaining()), true);
                });
            }
            try (Reservation reservation = ledger.reserve(tenant, endpoint, queries)) {
                ComputedLogits logits = computation.get();
                return releasingOnFailure(logits, () -> {
                    Charge charge = reservation.commit(key, digest);
                    if (charge.queries() == 0) {
                        // A concurrent request with the same key was charged first: this one is its replay.
                        requireSameRequest(ledger.priorCharge(tenant, key).orElseThrow(), key, endpoint, digest);
                    }
                    return new MeteredResult(logits, charge, charge.queries() == 0);
                });
            }
        } finally {
            sample.stop(Timer.builder("vlm.predict.duration")
                    .description("Time to answer a metered request, queueing included")
                    .tag("endpoint", endpoint)
                    .register(registry));
        }
    }

    /** The logits' native memory goes back at once when no answer will carry them. */
    private static MeteredResult releasingOnFailure(ComputedLogits logits, Supplier<MeteredResult> settle) {
        try {
            return settle.get();
        } catch (RuntimeException | Error failure) {
            logits.close();
            throw failure;
        }
    }

    private static void requireSameRequest(QuotaLedger.PriorCharge prior, String key, String endpoint, String digest) {
        if (!prior.endpoint().equals(endpoint) || !digest.equals(prior.requestDigest())) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, ProblemTypes.IDEMPOTENCY_CONFLICT,
                    "Idempotency-Key '" + key + "' was already used for a different request");
        }
    }

    private static String validKey(String key) {
        if (key == null) {
            return null;
        }
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw ApiException.badRequest(ProblemTypes.MALFORMED_REQUEST,
                    "Idempotency-Key must be 1-" + MAX_KEY_LENGTH + " printable ASCII characters without spaces");
        }
        return key;
    }
}
