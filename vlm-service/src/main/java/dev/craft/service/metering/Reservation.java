package dev.craft.service.metering;

/** Quota held for one request until it is committed (charged) or closed (released). */
public final class Reservation implements AutoCloseable {

    private final QuotaLedger ledger;
    private final TenantAccount account;
    private final String endpoint;
    private final long queries;
    private boolean settled;

    Reservation(QuotaLedger ledger, TenantAccount account, String endpoint, long queries) {
        this.ledger = ledger;
        this.account = account;
        this.endpoint = endpoint;
        this.queries = queries;
    }

    /**
     * Charges the reserved queries.
     *
     * @return the outcome: charged, or a replay when a concurrent request with the same idempotency key won
     */
    public Charge commit(String idempotencyKey, String requestDigest) {
        if (settled) {
            throw new IllegalStateException("reservation already settled");
        }
        settled = true;
        if (!ledger.record(account, endpoint, queries, idempotencyKey, requestDigest)) {
            account.release(queries);
            return new Charge(0, account.charged(), account.remaining());
        }
        long total = account.commit(queries);
        return new Charge(queries, total, account.remaining());
    }

    @Override
    public void close() {
        if (!settled) {
            settled = true;
            account.release(queries);
        }
    }
}
