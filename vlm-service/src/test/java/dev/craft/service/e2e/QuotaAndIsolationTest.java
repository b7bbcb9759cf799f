package dev.craft.service.e2e;

import dev.craft.service.testsupport.Prometheus;
import dev.craft.service.testsupport.VlmHttp;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.craft.service.testsupport.ServiceFixture.createClassSet;
import static dev.craft.service.testsupport.ServiceFixture.predictBinary;
import static dev.craft.service.testsupport.ServiceFixture.predictJson;
import static dev.craft.service.testsupport.ServiceFixture.prompts;
import static dev.craft.service.testsupport.ServiceFixture.uploadGenerated;
import static dev.craft.service.testsupport.ServiceFixture.usage;
import static org.assertj.core.api.Assertions.assertThat;

/** Quota under concurrency, and tenants that cannot see each other. */
class QuotaAndIsolationTest extends ServiceTestBase {

    @Test
    void concurrentRequestsNeverPushUsageAboveTheQuota() throws Exception {
        VlmHttp carol = carol();
        String datasetId = uploadGenerated(carol, 3, 700);
        String classSetId = createClassSet(carol, List.of("a", "b")).get("classSetId").asString();
        float[][] four = prompts(4, 4 * 32, 3, 0.2f);

        int clients = 16;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<HttpResponse<byte[]>>> calls = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Callable<HttpResponse<byte[]>> call = () -> {
                start.await();
                return predictBinary(carol, datasetId, classSetId, four, null);
            };
            calls.add(pool.submit(call));
        }
        start.countDown();
        int ok = 0;
        int refused = 0;
        for (Future<HttpResponse<byte[]>> call : calls) {
            HttpResponse<byte[]> response = call.get();
            if (response.statusCode() == 200) {
                ok++;
            } else {
                assertThat(response.statusCode()).isEqualTo(429);
                assertThat(VlmHttp.json(response).get("type").asString()).isEqualTo("urn:craft:problem:quota-exhausted");
                refused++;
            }
        }
        pool.shutdown();
        // Quota 30, 4 queries each: exactly 7 fit (28); the other 9 are refused and cost nothing.
        assertThat(ok).isEqualTo(7);
        assertThat(refused).isEqualTo(9);
        assertThat(usage(carol)).isEqualTo(28);
        assertThat(Prometheus.sample(prometheus(), "vlm_queries_total", "tenant=\"carol\"")).isEqualTo(28.0);

        HttpResponse<byte[]> tooMany = predictJson(carol, datasetId, classSetId, prompts(3, 4 * 32, 1, 0));
        assertThat(tooMany.statusCode()).isEqualTo(429);
        HttpResponse<byte[]> lastTwo = predictJson(carol, datasetId, classSetId, prompts(2, 4 * 32, 1, 0));
        assertThat(lastTwo.statusCode()).isEqualTo(200);
        JsonNode usage = VlmHttp.json(carol.get("/v1/usage"));
        assertThat(usage.get("queries").asLong()).isEqualTo(30);
        assertThat(usage.get("remaining").asLong()).isZero();
        assertThat(usage.get("quota").asLong()).isEqualTo(30);
        assertThat(Prometheus.sample(prometheus(), "vlm_quota_remaining", "tenant=\"carol\"")).isZero();
    }

    @Test
    void anotherTenantsIdsBehaveExactlyLikeUnknownIds() {
        VlmHttp alice = alice();
        VlmHttp bob = bob();
        String datasetId = uploadGenerated(alice, 2, 800);
        String classSetId = createClassSet(alice, List.of("x", "y")).get("classSetId").asString();
        long bobBefore = usage(bob);

        HttpResponse<byte[]> foreign = bob.get("/v1/datasets/" + datasetId);
        HttpResponse<byte[]> unknown = bob.get("/v1/datasets/ds_00000000000000000000000000000000");
        assertThat(foreign.statusCode()).isEqualTo(404);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(VlmHttp.json(foreign).get("type")).isEqualTo(VlmHttp.json(unknown).get("type"));

        assertThat(bob.get("/v1/classsets/" + classSetId).statusCode()).isEqualTo(404);
        assertThat(bob.delete("/v1/datasets/" + datasetId).statusCode()).isEqualTo(404);
        assertThat(bob.delete("/v1/classsets/" + classSetId).statusCode()).isEqualTo(404);
        assertThat(predictJson(bob, datasetId, classSetId, prompts(1, 4 * 32, 1, 0)).statusCode()).isEqualTo(404);
        assertThat(VlmHttp.text(bob.get("/v1/datasets"))).doesNotContain(datasetId);
        assertThat(VlmHttp.text(bob.get("/v1/classsets"))).doesNotContain(classSetId);
        assertThat(usage(bob)).isEqualTo(bobBefore);

        // Alice's resources are untouched by Bob's attempts.
        assertThat(alice.get("/v1/datasets/" + datasetId).statusCode()).isEqualTo(200);
        assertThat(predictJson(alice, datasetId, classSetId, prompts(1, 4 * 32, 1, 0)).statusCode()).isEqualTo(200);
    }

    @Test
    void keysNeverAppearInErrorsOrMetrics() {
        HttpResponse<byte[]> wrong = new VlmHttp(port, "not-a-real-key-xyz").get("/v1/usage");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(VlmHttp.text(wrong)).doesNotContain("not-a-real-key-xyz");
        String metrics = prometheus();
        assertThat(metrics).doesNotContain(ALICE_KEY, BOB_KEY, CAROL_KEY, "not-a-real-key-xyz");
        assertThat(metrics).contains("vlm_requests_rejected_total{application=\"vlm-service\",reason=\"invalid-api-key\"}");
    }
}
