-- Quota that holds across replicas: the running totals per tenant, and the reservations in flight.
CREATE TABLE tenant_usage (
    tenant   VARCHAR(64) PRIMARY KEY,
    used     BIGINT      NOT NULL,
    reserved BIGINT      NOT NULL,
    CONSTRAINT ck_usage_not_negative CHECK (used >= 0 AND reserved >= 0)
);

-- Usage charged before this version: the ledger's sums.
INSERT INTO tenant_usage (tenant, used, reserved)
SELECT tenant, SUM(queries), 0 FROM query_charge GROUP BY tenant;

-- Quota reserved by a request being computed; its replica renews expires_at while the request runs, and any
-- replica releases a reservation past expires_at (its replica died).
CREATE TABLE quota_reservation (
    id         VARCHAR(40) PRIMARY KEY,
    tenant     VARCHAR(64) NOT NULL,
    queries    BIGINT      NOT NULL,
    replica    VARCHAR(64) NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX ix_reservation_expires ON quota_reservation (expires_at);
CREATE INDEX ix_reservation_replica ON quota_reservation (replica);
