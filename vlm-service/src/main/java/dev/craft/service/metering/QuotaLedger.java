package dev.craft.service.metering;

import dev.craft.api.ProblemTypes;
import dev.craft.api.Usage;
import dev.craft.service.auth.Tenant;
import dev.craft.service.auth.TenantDirectory;
import dev.craft.service.problem.ApiException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The usage ledger and the quota, shared by every replica on the database. Quota is reserved in the database
 * before compute and released on failure, so concurrent requests on any number of replicas never push a tenant
 * past its quota; a query is charged, in the same transaction as its ledger row, only when it was answered.
 * Reservations of a replica that died are released by the others' {@link ReservationKeeper}.
 *
 * <p>The gauges {@code vlm.usage.queries}, {@code vlm.quota.remaining} and {@code vlm.quota.limit} read the shared
 * database, so every replica reports the same value for a tenant: aggregate them with max, never sum. The counter
 * {@code vlm.queries} counts what this replica charged: its sum over the replicas is the ledger.
 */
@Component
public class QuotaLedger {

    private final TenantUsageStore tenantUsage;
    private final ReservationStore reservations;
    private final ChargeStore charges;
    private final TransactionTemplate transactions;
    private final MeterRegistry registry;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

    public QuotaLedger(TenantUsageStore tenantUsage, ReservationStore reservations, ChargeStore charges,
                       PlatformTransactionManager transactionManager, TenantDirectory directory, MeterRegistry registry) {
        this.tenantUsage = tenantUsage;
        this.reservations = reservations;
        this.charges = charges;
        this.transactions = new TransactionTemplate(transactionManager);
        this.registry = registry;
        tenantUsage.addMissing(directory.tenants().stream().map(Tenant::name).toList());
        for (Tenant tenant : directory.tenants()) {
            Gauge.builder("vlm.quota.remaining", () -> usage(tenant).remaining())
                    .description("Queries left in the tenant's quota (shared by all replicas: aggregate with max)")
                    .tag("tenant", tenant.name())
                    .register(registry);
            Gauge.builder("vlm.quota.limit", tenant::quota)
                    .description("The tenant's quota in queries")
                    .tag("tenant", tenant.name())
                    .register(registry);
            Gauge.builder("vlm.usage.queries", () -> usage(tenant).queries())
                    .description("Queries charged to the tenant since the ledger began, by all replicas (persisted;"
                            + " aggregate with max)")
                    .tag("tenant", tenant.name())
                    .register(registry);
        }
    }

    public Usage usage(Tenant tenant) {
        long used = tenantUsage.used(tenant.name());
        return new Usage(tenant.name(), used, tenant.quota(), remaining(tenant, used));
    }

    /**
     * Reserves {@code queries} or fails with 429 when the quota cannot cover them. Close the reservation
     * (try-with-resources); an uncommitted one is released.
     */
    public Reservation reserve(Tenant tenant, String endpoint, long queries) {
        HeldReservation held = transactions.execute(status -> tenantUsage.reserve(tenant.name(), queries, tenant.quota())
                ? reservations.insert(tenant.name(), queries) : null);
        if (held == null) {
            Usage current = usage(tenant);
            throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, ProblemTypes.QUOTA_EXHAUSTED,
                    "this request needs " + queries + " queries but only " + current.remaining()
                            + " of the quota of " + current.quota() + " remain",
                    Map.of("queriesRequested", queries, "remaining", current.remaining(), "quota", current.quota()));
        }
        inFlight.add(held.id());
        return new Reservation(this, tenant, endpoint, held);
    }

    /** An earlier charge made under {@code idempotencyKey}, on any replica, if any. */
    public Optional<PriorCharge> priorCharge(Tenant tenant, String idempotencyKey) {
        return charges.find(tenant.name(), idempotencyKey);
    }

    /**
     * Charges a reservation: the ledger row, the usage and the end of the reservation in one transaction.
     *
     * @return the charge, or a replay (0 queries) when a request with the same idempotency key was charged first
     * @throws ApiException 503 when the reservation was released as expired meanwhile and the quota no longer
     *                      covers the queries; nothing is charged
     */
    Charge commit(Tenant tenant, String endpoint, HeldReservation held, String idempotencyKey, String digest) {
        long used;
        try {
            used = transactions.execute(status -> {
                charges.insert(tenant.name(), endpoint, held.queries(), idempotencyKey, digest);
                if (reservations.delete(held.id())) {
                    tenantUsage.chargeReserved(tenant.name(), held.queries());
                } else if (!tenantUsage.chargeUnreserved(tenant.name(), held.queries(), tenant.quota())) {
                    throw reservationExpired(held);
                }
                return tenantUsage.used(tenant.name());
            });
        } catch (DuplicateKeyException replay) {
            release(held);
            long total = tenantUsage.used(tenant.name());
            return new Charge(0, total, remaining(tenant, total));
        } finally {
            inFlight.remove(held.id());
        }
        Counter.builder("vlm.queries")
                .description("Queries charged by this replica (one prompt evaluated on one image set)")
                .tag("tenant", tenant.name())
                .tag("endpoint", endpoint)
                .register(registry)
                .increment(held.queries());
        return new Charge(held.queries(), used, remaining(tenant, used));
    }

    /**
     * Ends a reservation without charging it. Two replicas releasing the same one (an expired reservation swept by
     * both) give the queries back once: only the call whose delete removed the row does.
     *
     * @return whether this call released it
     */
    boolean release(HeldReservation held) {
        try {
            return Boolean.TRUE.equals(transactions.execute(status -> {
                if (!reservations.delete(held.id())) {
                    return false;
                }
                tenantUsage.unreserve(held.tenant(), held.queries());
                return true;
            }));
        } finally {
            inFlight.remove(held.id());
        }
    }

    /** Ids of this replica's reservations whose requests are still running, to be renewed. */
    Set<String> inFlight() {
        return Set.copyOf(inFlight);
    }

    private static long remaining(Tenant tenant, long used) {
        return Math.max(0, tenant.quota() - used);
    }

    private static ApiException reservationExpired(HeldReservation held) {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, ProblemTypes.RESERVATION_EXPIRED,
                "the quota reserved for this request was released while it was computed (its replica stopped renewing"
                        + " the reservation for vlm.metering.reservation-timeout), and the remaining quota no longer"
                        + " covers its " + held.queries() + " queries; nothing was charged",
                Map.of("retryAfterSeconds", 1));
    }

    /** A charge already in the ledger for an idempotency key. */
    public record PriorCharge(String endpoint, long queries, String requestDigest) {
    }
}
