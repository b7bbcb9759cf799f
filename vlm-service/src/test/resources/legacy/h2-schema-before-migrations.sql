-- schema.sql as it was before the schema had Flyway migrations: the tables of data dirs made by older versions.
CREATE TABLE IF NOT EXISTS query_charge (
    id              BIGINT AUTO_INCREMENT PRIMARY KEY,
    tenant          VARCHAR(64)  NOT NULL,
    endpoint        VARCHAR(32)  NOT NULL,
    queries         BIGINT       NOT NULL,
    idempotency_key VARCHAR(200),
    request_digest  VARCHAR(64),
    charged_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT uq_charge_idempotency UNIQUE (tenant, idempotency_key)
);
CREATE INDEX IF NOT EXISTS ix_charge_tenant ON query_charge (tenant);

CREATE TABLE IF NOT EXISTS dataset (
    id          VARCHAR(40)  PRIMARY KEY,
    tenant      VARCHAR(64)  NOT NULL,
    model_id    VARCHAR(128) NOT NULL,
    size        INT          NOT NULL,
    embed_dim   INT          NOT NULL,
    file_names  CLOB         NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_dataset_tenant ON dataset (tenant);

CREATE TABLE IF NOT EXISTS class_set (
    id          VARCHAR(40)   PRIMARY KEY,
    tenant      VARCHAR(64)   NOT NULL,
    template    VARCHAR(2000) NOT NULL,
    class_names CLOB          NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_class_set_tenant ON class_set (tenant);
