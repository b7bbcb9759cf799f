package dev.craft.service.predict;

import dev.craft.api.ProblemTypes;
import dev.craft.service.problem.ApiException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The metered requests this replica is answering, by tenant and idempotency key. A request whose key is already in
 * flight here (its client stopped waiting and sent it again) waits for that computation's answer instead of starting
 * another one: otherwise every retry of a request that outlasts the client's timeout adds a computation of the same
 * answer while the abandoned ones go on, and none of them ends inside the timeout any more.
 */
@Component
class InFlightRequests {

    private final Map<Key, Flight> flights = new ConcurrentHashMap<>();
    private final MeterRegistry registry;

    InFlightRequests(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Enters the flight of {@code tenant}'s {@code idempotencyKey}: a new one the caller leads (it computes, then
     * {@link Ticket#land lands} it), or the one in progress, which the caller follows.
     */
    Ticket enter(String tenant, String idempotencyKey, String endpoint, String digest) {
        Key key = new Key(tenant, idempotencyKey);
        Flight mine = new Flight(endpoint, digest);
        while (true) {
            Flight current = flights.putIfAbsent(key, mine);
            if (current == null) {
                return new Ticket(key, mine, true);
            }
            if (current.follow()) {
                return new Ticket(key, current, false);
            }
            flights.remove(key, current);
        }
    }

    /** A caller's place in a flight. */
    final class Ticket {

        private final Key key;
        private final Flight flight;
        private final boolean leads;

        private Ticket(Key key, Flight flight, boolean leads) {
            this.key = key;
            this.flight = flight;
            this.leads = leads;
        }

        boolean leads() {
            return leads;
        }

        String endpoint() {
            return flight.endpoint;
        }

        String digest() {
            return flight.digest;
        }

        /**
         * For a follower: the leader's answer, or empty when the leader failed (the follower then goes on as if it
         * had come after).
         */
        Optional<Answer> awaitAnswer() {
            Counter.builder("vlm.retries.joined")
                    .description("Requests that arrived while a request with the same idempotency key was being"
                            + " computed on this replica, and waited for its answer instead of computing it again")
                    .tag("endpoint", flight.endpoint)
                    .register(registry)
                    .increment();
            try {
                return Optional.ofNullable(flight.await());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, ProblemTypes.OVERLOADED,
                        "interrupted while waiting for the answer of the same request in flight",
                        Map.of("retryAfterSeconds", 1));
            }
        }

        /**
         * For the leader: ends the flight, handing its followers a copy of {@code logits}, or nothing when it failed
         * (null). Call it while the logits are still open.
         */
        void land(ComputedLogits logits) {
            flights.remove(key, flight);
            flight.land(logits);
        }
    }

    /** Logits copied out of the engine for a follower; read-only. */
    record Answer(float[] values, int[] shape) {
    }

    private record Key(String tenant, String idempotencyKey) {
    }

    private static final class Flight {

        private final String endpoint;
        private final String digest;
        private int followers;
        private boolean landed;
        private Answer answer;

        Flight(String endpoint, String digest) {
            this.endpoint = endpoint;
            this.digest = digest;
        }

        /** False when the flight has landed already: its answer may have gone to the followers it had. */
        synchronized boolean follow() {
            if (landed) {
                return false;
            }
            followers++;
            return true;
        }

        synchronized Answer await() throws InterruptedException {
            while (!landed) {
                wait();
            }
            return answer;
        }

        synchronized void land(ComputedLogits logits) {
            if (logits != null && followers > 0) {
                answer = new Answer(logits.toFloatArray(), logits.shape());
            }
            landed = true;
            notifyAll();
        }
    }
}
