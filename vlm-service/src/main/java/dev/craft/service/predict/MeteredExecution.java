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
 * computes and charges only when the answer exists. A retry that arrives while its first request is still being
 * computed on this replica waits for that answer ({@link InFlightRequests}). The computation takes the ComputeGate
 * itself.
 */
@Component
class MeteredExecution {

    private static final int MAX_KEY_LENGTH = 200;

    private final QuotaLedger ledger;
    private final InFlightRequests inFlight;
    private final LogitsComputer computer;
    private final MeterRegistry registry;

    MeteredExecution(QuotaLedger ledger, InFlightRequests inFlight, LogitsComputer computer, MeterRegistry registry) {
        this.ledger = ledger;
        this.inFlight = inFlight;
        this.computer = computer;
        this.registry = registry;
    }

    MeteredResult run(Tenant tenant, String endpoint, long queries, String idempotencyKey, String digest,
                      Supplier<ComputedLogits> computation) {
        String key = validKey(idempotencyKey);
        Timer.Sample sample = Timer.start(registry);
        try {
            if (key == null) {
                return charged(tenant, endpoint, queries, null, digest, computation);
            }
            while (true) {
                InFlightRequests.Ticket ticket = inFlight.enter(tenant.name(), key, endpoint, digest);
                if (ticket.leads()) {
                    return leading(ticket, tenant, endpoint, queries, key, digest, computation);
                }
                requireSameRequest(ticket.endpoint(), ticket.digest(), key, endpoint, digest);
                Optional<InFlightRequests.Answer> answer = ticket.awaitAnswer();
                if (answer.isPresent()) {
                    return replay(tenant, computer.copyOf(answer.get().values(), answer.get().shape()));
                }
                // The request it waited for failed: this one goes on as if it had come after.
            }
        } finally {
            sample.stop(Timer.builder("vlm.predict.duration")
                    .description("Time to answer a metered request, queueing included")
                    .tag("endpoint", endpoint)
                    .register(registry));
        }
    }

    private MeteredResult leading(InFlightRequests.Ticket ticket, Tenant tenant, String endpoint, long queries,
                                  String key, String digest, Supplier<ComputedLogits> computation) {
        MeteredResult result = null;
        try {
            result = charged(tenant, endpoint, queries, key, digest, computation);
            return result;
        } finally {
            ticket.land(result == null ? null : result.logits());
        }
    }

    /** Replays an earlier charge of {@code key} for free, or reserves, computes and charges. */
    private MeteredResult charged(Tenant tenant, String endpoint, long queries, String key, String digest,
                                  Supplier<ComputedLogits> computation) {
        Optional<QuotaLedger.PriorCharge> prior = key == null ? Optional.empty() : ledger.priorCharge(tenant, key);
        if (prior.isPresent()) {
            requireSameRequest(prior.get().endpoint(), prior.get().requestDigest(), key, endpoint, digest);
            return replay(tenant, computation.get());
        }
        try (Reservation reservation = ledger.reserve(tenant, endpoint, queries)) {
            ComputedLogits logits = computation.get();
            return releasingOnFailure(logits, () -> {
                Charge charge = reservation.commit(key, digest);
                if (charge.queries() == 0) {
                    // A concurrent request with the same key was charged first: this one is its replay.
                    QuotaLedger.PriorCharge first = ledger.priorCharge(tenant, key).orElseThrow();
                    requireSameRequest(first.endpoint(), first.requestDigest(), key, endpoint, digest);
                }
                return new MeteredResult(logits, charge, charge.queries() == 0);
            });
        }
    }

    private MeteredResult replay(Tenant tenant, ComputedLogits logits) {
        return releasingOnFailure(logits, () -> {
            var usage = ledger.usage(tenant);
            return new MeteredResult(logits, new Charge(0, usage.queries(), usage.remaining()), true);
        });
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

    private static void requireSameRequest(String firstEndpoint, String firstDigest, String key, String endpoint,
                                           String digest) {
        if (!firstEndpoint.equals(endpoint) || !digest.equals(firstDigest)) {
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
