package dev.craft.service.metering;

import dev.craft.service.auth.Tenant;

/** Quota held for one request until it is committed (charged) or closed (released). */
public final class Reservation implements AutoCloseable {

    private final QuotaLedger ledger;
    private final Tenant tenant;
    private final String endpoint;
    private final HeldReservation held;
    private boolean settled;

    Reservation(QuotaLedger ledger, Tenant tenant, String endpoint, HeldReservation held) {
        this.ledger = ledger;
        this.tenant = tenant;
        this.endpoint = endpoint;
        this.held = held;
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
        return ledger.commit(tenant, endpoint, held, idempotencyKey, requestDigest);
    }

    @Override
    public void close() {
        if (!settled) {
            settled = true;
            ledger.release(held);
        }
    }
}
