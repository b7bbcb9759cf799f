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
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The usage ledger: every charge is a row in the embedded database, written before the answer leaves.
 * Quota is reserved atomically before compute and released on failure, so concurrent requests can
 * never push a tenant past its quota, and a query is charged only when it was answered.
 */
@Component
public class QuotaLedger {

    private final JdbcClient jdbc;
    private final MeterRegistry registry;
    private final Map<String, TenantAccount> accounts = new HashMap<>();

    public QuotaLedger(JdbcClient jdbc, TenantDirectory directory, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.registry = registry;
        Map<String, Long> charged = new HashMap<>();
        jdbc.sql("SELECT tenant, SUM(queries) FROM query_charge GROUP BY tenant")
                .query(rs -> {
                    charged.put(rs.getString(1), rs.getLong(2));
                });
        for (Tenant tenant : directory.tenants()) {
            TenantAccount account = new TenantAccount(tenant, charged.getOrDefault(tenant.name(), 0L));
            accounts.put(tenant.name(), account);
            Gauge.builder("vlm.quota.remaining", account, TenantAccount::remaining)
                    .description("Queries left in the tenant's quota")
                    .tag("tenant", tenant.name())
                    .register(registry);
            Gauge.builder("vlm.quota.limit", account, a -> a.tenant().quota())
                    .description("The tenant's quota in queries")
                    .tag("tenant", tenant.name())
                    .register(registry);
            Gauge.builder("vlm.usage.queries", account, TenantAccount::charged)
                    .description("Queries charged to the tenant since the ledger began (persisted)")
                    .tag("tenant", tenant.name())
                    .register(registry);
        }
    }

    private TenantAccount account(Tenant tenant) {
        TenantAccount account = accounts.get(tenant.name());
        if (account == null) {
            throw new IllegalStateException("unknown tenant " + tenant.name());
        }
        return account;
    }

    public Usage usage(Tenant tenant) {
        TenantAccount account = account(tenant);
        long charged = account.charged();
        return new Usage(tenant.name(), charged, tenant.quota(), Math.max(0, tenant.quota() - charged));
    }

    /**
     * Reserves {@code queries} or fails with 429 when the quota cannot cover them. Close the reservation
     * (try-with-resources); an uncommitted one is released.
     */
    public Reservation reserve(Tenant tenant, String endpoint, long queries) {
        TenantAccount account = account(tenant);
        if (!account.tryReserve(queries)) {
            Usage usage = usage(tenant);
            throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, ProblemTypes.QUOTA_EXHAUSTED,
                    "this request needs " + queries + " queries but only " + usage.remaining()
                            + " of the quota of " + usage.quota() + " remain",
                    Map.of("queriesRequested", queries, "remaining", usage.remaining(), "quota", usage.quota()));
        }
        return new Reservation(this, account, endpoint, queries);
    }

    /** An earlier charge made under {@code idempotencyKey}, if any. */
    public Optional<PriorCharge> priorCharge(Tenant tenant, String idempotencyKey) {
        return jdbc.sql("SELECT endpoint, queries, request_digest FROM query_charge WHERE tenant = ? AND idempotency_key = ?")
                .params(tenant.name(), idempotencyKey)
                .query((rs, row) -> new PriorCharge(rs.getString(1), rs.getLong(2), rs.getString(3)))
                .optional();
    }

    /** Persists the charge; returns false when another request already charged this idempotency key. */
    boolean record(TenantAccount account, String endpoint, long queries, String idempotencyKey, String digest) {
        try {
            jdbc.sql("INSERT INTO query_charge (tenant, endpoint, queries, idempotency_key, request_digest, charged_at) "
                            + "VALUES (?, ?, ?, ?, ?, ?)")
                    .params(account.tenant().name(), endpoint, queries, idempotencyKey, digest,
                            OffsetDateTime.now(ZoneOffset.UTC))
                    .update();
        } catch (DuplicateKeyException e) {
            return false;
        }
        Counter.builder("vlm.queries")
                .description("Queries charged (one prompt evaluated on one image set)")
                .tag("tenant", account.tenant().name())
                .tag("endpoint", endpoint)
                .register(registry)
                .increment(queries);
        return true;
    }

    /** A charge already in the ledger for an idempotency key. */
    public record PriorCharge(String endpoint, long queries, String requestDigest) {
    }
}
