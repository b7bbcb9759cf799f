package dev.craft.service.metering;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/** The ledger (table query_charge): one row per answered request, unique per tenant and idempotency key. */
@Repository
public class ChargeStore {

    private final JdbcClient jdbc;
    private final Clock clock;

    public ChargeStore(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * @throws org.springframework.dao.DuplicateKeyException when the tenant's {@code idempotencyKey} was charged
     *                                                       before, by any replica
     */
    void insert(String tenant, String endpoint, long queries, String idempotencyKey, String digest) {
        jdbc.sql("INSERT INTO query_charge (tenant, endpoint, queries, idempotency_key, request_digest, charged_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?)")
                .params(tenant, endpoint, queries, idempotencyKey, digest, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
                .update();
    }

    Optional<QuotaLedger.PriorCharge> find(String tenant, String idempotencyKey) {
        return jdbc.sql("SELECT endpoint, queries, request_digest FROM query_charge WHERE tenant = ? AND idempotency_key = ?")
                .params(tenant, idempotencyKey)
                .query((rs, row) -> new QuotaLedger.PriorCharge(rs.getString(1), rs.getLong(2), rs.getString(3)))
                .optional();
    }
}
