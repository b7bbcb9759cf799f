package dev.craft.service.e2e;

import dev.craft.service.compute.ComputeGate;
import dev.craft.service.testsupport.Prometheus;
import dev.craft.service.testsupport.VlmHttp;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

import static dev.craft.service.testsupport.ServiceFixture.createClassSet;
import static dev.craft.service.testsupport.ServiceFixture.predictBinary;
import static dev.craft.service.testsupport.ServiceFixture.prompts;
import static dev.craft.service.testsupport.ServiceFixture.uploadGenerated;
import static dev.craft.service.testsupport.ServiceFixture.usage;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A retry sent while its first request is still being computed (the client gave up waiting): it waits for that
 * answer instead of queueing a second computation for the model, gets the same bytes as a free replay, and the
 * ledger charges the request once. The test holds the model (the one permit of the ComputeGate) so that the first
 * request is certainly still in flight when the retry arrives.
 */
@TestPropertySource(properties = {"vlm.compute.concurrency=1", "vlm.compute.queue-length=2"})
class RetryInFlightTest extends ServiceTestBase {

    @Autowired
    ComputeGate gate;

    @Autowired
    MeterRegistry registry;

    @Test
    void aRetryWhileTheFirstRequestComputesWaitsForItsAnswerAndIsNotChargedAgain() throws Exception {
        VlmHttp alice = alice();
        String datasetId = uploadGenerated(alice, 4, 1700);
        String classSetId = createClassSet(alice, List.of("red", "green", "blue")).get("classSetId").asString();
        float[][] prompts = prompts(3, 4 * 32, 17, 0.3f);
        long before = usage(alice);
        double joinedBefore = joined();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            pool.submit(() -> gate.run(() -> {
                holding.countDown();
                awaitQuietly(release);
                return null;
            }));
            assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();

            Future<HttpResponse<byte[]>> first = pool.submit(() -> predictBinary(alice, datasetId, classSetId, prompts, "slow-1"));
            awaitValue(this::queued, 1, "the first request waiting for the model");
            Future<HttpResponse<byte[]>> retry = pool.submit(() -> predictBinary(alice, datasetId, classSetId, prompts, "slow-1"));
            awaitValue(this::joined, joinedBefore + 1, "the retry following the first request");
            assertThat(queued()).as("requests waiting for the model").isEqualTo(1);

            HttpResponse<byte[]> reused = predictBinary(alice, datasetId, classSetId, prompts(3, 4 * 32, 18, 0.3f), "slow-1");
            assertThat(reused.statusCode()).as("another request under the key in flight").isEqualTo(422);
            assertThat(VlmHttp.json(reused).get("type").asString()).isEqualTo("urn:craft:problem:idempotency-key-reused");

            release.countDown();
            HttpResponse<byte[]> firstAnswer = first.get(30, TimeUnit.SECONDS);
            HttpResponse<byte[]> retryAnswer = retry.get(30, TimeUnit.SECONDS);
            assertThat(firstAnswer.statusCode()).isEqualTo(200);
            assertThat(retryAnswer.statusCode()).isEqualTo(200);
            assertThat(retryAnswer.body()).isEqualTo(firstAnswer.body());
            assertThat(firstAnswer.headers().firstValue("X-Craft-Queries-Charged")).contains("3");
            assertThat(retryAnswer.headers().firstValue("X-Craft-Queries-Charged")).contains("0");
            assertThat(retryAnswer.headers().firstValue("X-Craft-Idempotent-Replay")).contains("true");
            assertThat(usage(alice)).isEqualTo(before + 3);
            assertThat(Prometheus.sample(prometheus(), "vlm_retries_joined_total", "endpoint=\"predict\""))
                    .as("the retries that waited, on /actuator/prometheus").isEqualTo(joinedBefore + 1);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    private double joined() {
        Counter counter = registry.find("vlm.retries.joined").tag("endpoint", "predict").counter();
        return counter == null ? 0 : counter.count();
    }

    private double queued() {
        Gauge gauge = registry.find("vlm.compute.queue").gauge();
        return gauge == null ? 0 : gauge.value();
    }

    private static void awaitValue(DoubleSupplier value, double expected, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (value.getAsDouble() != expected) {
            assertThat(System.nanoTime()).as("within 30 s: " + what).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
