package dev.craft.client.e2e;

import dev.craft.api.ClassSetInfo;
import dev.craft.client.service.PredictResult;
import dev.craft.client.service.ServiceException;
import dev.craft.client.service.VlmClient;
import dev.craft.client.service.VlmClientConfig;
import dev.craft.client.testsupport.PrometheusServer;
import dev.craft.client.testsupport.ReplicaPair;
import dev.craft.client.testsupport.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two service processes on one PostgreSQL and one features directory, behind nginx, with a real Prometheus
 * scraping both: metering is exact across the replicas, a small quota is never overrun by clients spread over both,
 * and a dataset and an idempotency key are shared.
 */
class TwoReplicaMeteringTest {

    private static final String LOAD_KEY = "load-key-000001";
    private static final String SMALL_KEY = "small-key-00001";
    private static final String SHARED_KEY = "shared-key-0001";
    private static final int SMALL_QUOTA = 100;
    private static final int CLIENTS = 16;
    private static final Duration LOAD_TIME = Duration.ofSeconds(15);
    private static final int IMAGES = 6;

    @TempDir
    static Path work;

    private static ReplicaPair replicas;
    private static PrometheusServer prometheus;

    @BeforeAll
    static void startReplicasAndPrometheus() throws Exception {
        replicas = ReplicaPair.start(work, "load:" + LOAD_KEY + ":100000000,small:" + SMALL_KEY + ":" + SMALL_QUOTA
                + ",shared:" + SHARED_KEY + ":100000");
        prometheus = PrometheusServer.start(PrometheusServer.binary(), work.resolve("prometheus"), replicas.replicaUrls(), List.of());
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
        if (replicas != null) {
            replicas.close();
        }
    }

    @Test
    void sixteenClientsOnBothReplicasAreChargedExactlyWhatTheyWereAnswered() throws Exception {
        Target target = Target.prepare(LOAD_KEY, replicas.a().url(), replicas.b().url());
        long deadline = System.nanoTime() + LOAD_TIME.toNanos();
        List<Long> answered = onClients(client -> {
            Random random = new Random(client);
            VlmClient vlm = target.clientFor(client);
            long queries = 0;
            while (System.nanoTime() < deadline) {
                int prompts = 1 + random.nextInt(4);
                PredictResult result = target.predict(vlm, prompts, random);
                assertThat(result.queriesCharged()).isEqualTo(prompts);
                queries += prompts;
            }
            return queries;
        });
        long total = answered.stream().mapToLong(Long::longValue).sum();
        System.out.printf("two replicas: %d clients answered %d queries in %s: %s%n", CLIENTS, total, LOAD_TIME, answered);

        assertThat(answered).as("every client was answered").allMatch(q -> q > 0);
        assertThat(replicas.database().number("SELECT sum(queries) FROM query_charge WHERE tenant = ?", "load"))
                .as("the ledger").isEqualTo(total);
        assertThat(replicas.database().number("SELECT used FROM tenant_usage WHERE tenant = ?", "load")).isEqualTo(total);
        assertThat(replicas.database().number("SELECT reserved FROM tenant_usage WHERE tenant = ?", "load")).isZero();
        assertThat(target.usage(replicas.a().url()).queries()).isEqualTo(total);
        assertThat(target.usage(replicas.b().url()).queries()).isEqualTo(total);
        assertThat(awaitPrometheus("sum(vlm_queries_total{tenant=\"load\"})", total))
                .as("both replicas' counters summed in Prometheus").isEqualTo((double) total);
        assertThat(prometheus.value("count(vlm_queries_total{tenant=\"load\"} > 0)"))
                .as("replicas that answered the tenant").isEqualTo(2.0);
    }

    @Test
    void aSmallQuotaIsNeverOverrunByClientsOnBothReplicas() throws Exception {
        Target target = Target.prepare(SMALL_KEY, replicas.a().url(), replicas.b().url());
        int prompts = 3;
        List<Long> answered = onClients(client -> {
            VlmClient vlm = target.clientFor(client);
            Random random = new Random(client);
            long queries = 0;
            while (true) {
                try {
                    queries += target.predict(vlm, prompts, random).queriesCharged();
                } catch (ServiceException e) {
                    assertThat(e.status()).as(e.getMessage()).isEqualTo(429);
                    return queries;
                }
            }
        });
        long total = answered.stream().mapToLong(Long::longValue).sum();

        assertThat(total).as("answered across both replicas").isLessThanOrEqualTo(SMALL_QUOTA)
                .isGreaterThan(SMALL_QUOTA - prompts);
        assertThat(replicas.database().number("SELECT sum(queries) FROM query_charge WHERE tenant = ?", "small")).isEqualTo(total);
        assertThat(target.usage(replicas.b().url()).remaining()).isEqualTo(SMALL_QUOTA - total);
    }

    @Test
    void aDatasetUploadedOnOneIsPredictedOnTheOtherAndARetryThereIsNotChargedAgain() throws Exception {
        VlmClient onA = client(replicas.a().url(), SHARED_KEY);
        VlmClient onB = client(replicas.b().url(), SHARED_KEY);
        String datasetId = onA.upload(images("shared")).datasetId();
        ClassSetInfo classes = onB.createClassSet(List.of("cat", "dog", "bird"), null);
        int promptSize = classes.contextTokens() * onB.model().tokenWidth();
        float[] prompts = Target.randomPrompts(2, promptSize, new Random(7));

        PredictResult first = onB.predict(datasetId, classes.classSetId(), prompts, 2, promptSize, null, "retry-key-1");
        PredictResult retried = onA.predict(datasetId, classes.classSetId(), prompts, 2, promptSize, null, "retry-key-1");

        assertThat(first.logits().shape()).containsExactly(2, IMAGES, 3);
        assertThat(first.queriesCharged()).isEqualTo(2);
        assertThat(retried.replay()).isTrue();
        assertThat(retried.queriesCharged()).isZero();
        assertThat(retried.logits().data()).containsExactly(first.logits().data());
        assertThat(onA.usage().queries()).isEqualTo(2);
        assertThat(replicas.database().number("SELECT count(*) FROM query_charge WHERE tenant = ?", "shared")).isEqualTo(1);
    }

    /** A tenant's dataset and class set on the shared store, and a client per replica. */
    private record Target(String key, List<URI> urls, String datasetId, String classSetId, int promptSize) {

        static Target prepare(String key, URI a, URI b) {
            VlmClient onA = client(a, key);
            String datasetId = onA.upload(images(key)).datasetId();
            ClassSetInfo classes = client(b, key).createClassSet(List.of("one", "two", "three", "four"), null);
            return new Target(key, List.of(a, b), datasetId, classes.classSetId(),
                    classes.contextTokens() * onA.model().tokenWidth());
        }

        /** Even clients talk to A, odd ones to B. */
        VlmClient clientFor(int client) {
            return client(urls.get(client % 2), key);
        }

        PredictResult predict(VlmClient vlm, int prompts, Random random) {
            return vlm.predict(datasetId, classSetId, randomPrompts(prompts, promptSize, random), prompts, promptSize);
        }

        dev.craft.api.Usage usage(URI replica) {
            return client(replica, key).usage();
        }

        static float[] randomPrompts(int prompts, int promptSize, Random random) {
            float[] values = new float[prompts * promptSize];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (0.02 * random.nextGaussian());
            }
            return values;
        }
    }

    private interface ClientWork {
        long run(int client) throws Exception;
    }

    private static List<Long> onClients(ClientWork work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<Long>> futures = IntStream.range(0, CLIENTS).mapToObj(c -> pool.submit(() -> work.run(c))).toList();
            List<Long> results = new ArrayList<>();
            for (Future<Long> future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private static VlmClient client(URI url, String key) {
        return new VlmClient(VlmClientConfig.of(url, key));
    }

    private static List<Path> images(String name) {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
            Path file = work.resolve("images-" + name + "/img" + i + ".png");
            TestImages.png(file, 40 * i + name.length());
            files.add(file);
        }
        return files;
    }

    /** Waits (up to 30 s) for a scrape of both replicas to show {@code expected}; the last value seen otherwise. */
    private static Double awaitPrometheus(String promql, long expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Double value = null;
        while (System.nanoTime() < deadline) {
            value = prometheus.value(promql);
            if (value != null && value == expected) {
                return value;
            }
            Thread.sleep(500);
        }
        return value;
    }
}
