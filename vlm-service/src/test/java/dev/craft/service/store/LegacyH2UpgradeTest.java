package dev.craft.service.store;

import dev.craft.service.auth.Tenant;
import dev.craft.service.auth.TenantDirectory;
import dev.craft.service.metering.QuotaLedger;
import dev.craft.service.metering.Reservation;
import dev.craft.service.problem.ApiException;
import dev.craft.service.testsupport.ServiceContexts;
import dev.craft.service.testsupport.VlmHttp;
import org.h2.tools.RunScript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import javax.sql.DataSource;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A data dir of a version before the schema had migrations starts on this one with its usage and data intact. */
class LegacyH2UpgradeTest {

    private static final String KEY = "legacy-key-0001";
    private static final String CLASS_SET_ID = "cs_0123456789abcdef0123456789abcdef";

    @TempDir
    Path dataDir;

    @Test
    void anH2FileMadeBySchemaSqlIsBaselinedAndKeepsItsUsage() throws Exception {
        writeLegacyDatabase();

        try (ConfigurableApplicationContext context = ServiceContexts.start("--vlm.data-dir=" + dataDir,
                "--vlm.api-keys=legacy:" + KEY + ":20,other:other-key-0002:10")) {
            VlmHttp legacy = new VlmHttp(ServiceContexts.port(context), KEY);
            assertThat(VlmHttp.json(legacy.get("/v1/usage")).get("queries").asLong()).isEqualTo(12);
            assertThat(VlmHttp.json(legacy.get("/v1/usage")).get("remaining").asLong()).isEqualTo(8);
            assertThat(VlmHttp.json(legacy.as("other-key-0002").get("/v1/usage")).get("queries").asLong()).isEqualTo(3);
            assertThat(VlmHttp.json(legacy.get("/v1/classsets/" + CLASS_SET_ID)).get("classNames").size()).isEqualTo(2);

            JdbcClient jdbc = JdbcClient.create(context.getBean(DataSource.class));
            assertThat(jdbc.sql("SELECT \"version\", \"type\" FROM \"flyway_schema_history\" WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\"")
                    .query((rs, row) -> rs.getString(1) + " " + rs.getString(2)).list())
                    .containsExactly("1 BASELINE", "2 SQL");

            QuotaLedger ledger = context.getBean(QuotaLedger.class);
            Tenant tenant = context.getBean(TenantDirectory.class).tenants().stream()
                    .filter(t -> t.name().equals("legacy")).findFirst().orElseThrow();
            assertThat(ledger.priorCharge(tenant, "before-upgrade"))
                    .contains(new QuotaLedger.PriorCharge("predict", 5, "digest-before"));
            assertThatThrownBy(() -> ledger.reserve(tenant, "predict", 9)).isInstanceOf(ApiException.class);
            try (Reservation rest = ledger.reserve(tenant, "predict", 8)) {
                assertThat(rest.commit(null, "digest").totalUsed()).isEqualTo(20);
            }
        }
    }

    /** The tables as schema.sql created them, with charges of two tenants and a class set; no Flyway history. */
    private void writeLegacyDatabase() throws Exception {
        String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("db").resolve("vlm");
        try (Connection connection = DriverManager.getConnection(url, "sa", "");
             Reader schema = new InputStreamReader(Objects.requireNonNull(getClass().getResourceAsStream(
                     "/legacy/h2-schema-before-migrations.sql")), StandardCharsets.UTF_8)) {
            RunScript.execute(connection, schema);
            JdbcClient jdbc = JdbcClient.create(new SingleConnectionDataSource(connection, true));
            OffsetDateTime then = OffsetDateTime.parse("2026-11-01T10:00:00Z");
            for (List<Object> charge : List.<List<Object>>of(List.of("legacy", 7), List.of("other", 3))) {
                jdbc.sql("INSERT INTO query_charge (tenant, endpoint, queries, charged_at) VALUES (?, 'predict', ?, ?)")
                        .params(charge.get(0), charge.get(1), then).update();
            }
            jdbc.sql("INSERT INTO query_charge (tenant, endpoint, queries, idempotency_key, request_digest, charged_at)"
                    + " VALUES ('legacy', 'predict', 5, 'before-upgrade', 'digest-before', ?)").param(then).update();
            jdbc.sql("INSERT INTO class_set (id, tenant, template, class_names, created_at)"
                    + " VALUES (?, 'legacy', 'a photo of a {}.', '[\"cat\",\"dog\"]', ?)").params(CLASS_SET_ID, then).update();
        }
    }
}
