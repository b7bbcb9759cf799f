package dev.craft.service.metering;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * The shared running totals per tenant (table tenant_usage): queries charged ({@code used}) and held by requests
 * in flight on any replica ({@code reserved}). Each statement is atomic in the database, so replicas never
 * overrun a quota together; the quota itself comes from the configuration.
 */
@Repository
public class TenantUsageStore {

    private final JdbcClient jdbc;

    public TenantUsageStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Adds a row for each tenant that has none yet. */
    void addMissing(Collection<String> tenants) {
        Set<String> present = new HashSet<>(jdbc.sql("SELECT tenant FROM tenant_usage").query(String.class).list());
        for (String tenant : tenants) {
            if (!present.contains(tenant)) {
                try {
                    jdbc.sql("INSERT INTO tenant_usage (tenant, used, reserved) VALUES (?, 0, 0)").param(tenant).update();
                } catch (DuplicateKeyException anotherReplicaStartingAddedIt) {
                    // The row exists, which is all that matters.
                }
            }
        }
    }

    /** Holds {@code queries} when used + reserved stays within {@code quota}; false, and nothing held, otherwise. */
    boolean reserve(String tenant, long queries, long quota) {
        return jdbc.sql("UPDATE tenant_usage SET reserved = reserved + :n"
                        + " WHERE tenant = :tenant AND used + reserved + :n <= :quota")
                .param("n", queries).param("tenant", tenant).param("quota", quota)
                .update() == 1;
    }

    /** Turns held queries into charged ones. */
    void chargeReserved(String tenant, long queries) {
        jdbc.sql("UPDATE tenant_usage SET used = used + :n, reserved = reserved - :n WHERE tenant = :tenant")
                .param("n", queries).param("tenant", tenant)
                .update();
    }

    /** Charges queries whose reservation is gone, only when used + reserved stays within {@code quota}. */
    boolean chargeUnreserved(String tenant, long queries, long quota) {
        return jdbc.sql("UPDATE tenant_usage SET used = used + :n"
                        + " WHERE tenant = :tenant AND used + reserved + :n <= :quota")
                .param("n", queries).param("tenant", tenant).param("quota", quota)
                .update() == 1;
    }

    void unreserve(String tenant, long queries) {
        jdbc.sql("UPDATE tenant_usage SET reserved = reserved - :n WHERE tenant = :tenant")
                .param("n", queries).param("tenant", tenant)
                .update();
    }

    /** Queries charged to the tenant, by all replicas, since the ledger began. */
    long used(String tenant) {
        return jdbc.sql("SELECT used FROM tenant_usage WHERE tenant = ?").param(tenant)
                .query(Long.class).optional().orElse(0L);
    }
}
