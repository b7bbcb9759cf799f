package dev.craft.service.store;

import dev.craft.service.testsupport.PostgresTestDatabase;
import dev.craft.service.testsupport.Prometheus;
import dev.craft.service.testsupport.ServiceContexts;
import dev.craft.service.testsupport.VlmHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import static dev.craft.service.testsupport.ServiceFixture.createClassSet;
import static dev.craft.service.testsupport.ServiceFixture.predictBinary;
import static dev.craft.service.testsupport.ServiceFixture.prompts;
import static dev.craft.service.testsupport.ServiceFixture.uploadGenerated;
import static dev.craft.service.testsupport.ServiceFixture.usage;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two replicas of the service in this JVM on one PostgreSQL database and one features directory, each with a data
 * dir (and feature cache) of its own: what one stores or deletes, the other sees.
 */
class SharedStoreReplicasTest {

    private static final String KEY = "shared-key-0001";

    private static PostgresTestDatabase database;

    @TempDir
    Path dirs;

    @BeforeAll
    static void createDatabase() {
        database = PostgresTestDatabase.create();
    }

    @AfterAll
    static void dropDatabase() {
        if (database != null) {
            database.close();
        }
    }

    @Test
    void datasetsUsageAndIdempotencyKeysAreSharedAndADeleteOnOneIsSeenByTheOther() {
        try (ConfigurableApplicationContext a = replica("a"); ConfigurableApplicationContext b = replica("b")) {
            VlmHttp onA = new VlmHttp(ServiceContexts.port(a), KEY);
            VlmHttp onB = new VlmHttp(ServiceContexts.port(b), KEY);
            String datasetId = uploadGenerated(onA, 4, 700);
            String classSetId = createClassSet(onB, List.of("one", "two")).get("classSetId").asString();
            float[][] prompts = prompts(3, 4 * 32, 5, 0.5f);

            HttpResponse<byte[]> onBFirst = predictBinary(onB, datasetId, classSetId, prompts, "retry-1");
            assertThat(onBFirst.statusCode()).as(VlmHttp.text(onBFirst)).isEqualTo(200);
            HttpResponse<byte[]> retriedOnA = predictBinary(onA, datasetId, classSetId, prompts, "retry-1");
            assertThat(retriedOnA.headers().firstValue("X-Craft-Queries-Charged")).contains("0");
            assertThat(retriedOnA.body()).isEqualTo(onBFirst.body());
            HttpResponse<byte[]> freshOnA = predictBinary(onA, datasetId, classSetId, prompts, null);
            assertThat(freshOnA.body()).isEqualTo(onBFirst.body());

            assertThat(usage(onA)).isEqualTo(6);
            assertThat(usage(onB)).isEqualTo(6);
            String metricsA = VlmHttp.text(new VlmHttp(ServiceContexts.port(a), null).get("/actuator/prometheus"));
            String metricsB = VlmHttp.text(new VlmHttp(ServiceContexts.port(b), null).get("/actuator/prometheus"));
            assertThat(Prometheus.sample(metricsA, "vlm_queries_total", "tenant=\"shared\"")
                    + Prometheus.sample(metricsB, "vlm_queries_total", "tenant=\"shared\"")).isEqualTo(6);
            assertThat(Prometheus.sample(metricsA, "vlm_usage_queries", "tenant=\"shared\"")).isEqualTo(6);
            assertThat(Prometheus.sample(metricsB, "vlm_usage_queries", "tenant=\"shared\"")).isEqualTo(6);

            assertThat(onB.delete("/v1/datasets/" + datasetId).statusCode()).isEqualTo(204);
            HttpResponse<byte[]> afterDelete = predictBinary(onA, datasetId, classSetId, prompts, null);
            assertThat(afterDelete.statusCode()).as("served from A's feature cache after B deleted it").isEqualTo(404);
            assertThat(VlmHttp.json(onA.get("/v1/datasets")).size()).isZero();
            assertThat(usage(onB)).isEqualTo(6);
        }
    }

    private ConfigurableApplicationContext replica(String name) {
        return ServiceContexts.start(
                "--vlm.store=postgres",
                "--spring.datasource.url=" + database.url(),
                "--vlm.data-dir=" + dirs.resolve("data-" + name),
                "--vlm.storage.features-dir=" + dirs.resolve("shared-features"),
                "--vlm.api-keys=shared:" + KEY + ":1000");
    }
}
