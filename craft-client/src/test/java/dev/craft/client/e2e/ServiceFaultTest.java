package dev.craft.client.e2e;

import dev.craft.client.testsupport.Cli;
import dev.craft.client.testsupport.ServiceProcess;
import dev.craft.client.testsupport.TestImages;
import dev.craft.client.testsupport.TinyDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service is killed with SIGKILL and restarted on the same data dir: datasets and the ledger
 * survive, a tuning job rides it out and ends exactly as an uninterrupted one without being charged
 * twice, and an upload cut short leaves nothing half-written behind.
 */
class ServiceFaultTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String KEYS = "straight:straight-key-01:100000,faulted:faulted-key-02:100000,"
            + "uploads:uploads-key-03:100000";

    @TempDir
    Path work;

    @Test
    void tuningRidesOutAServiceCrashAndRestart() throws Exception {
        Path dataset = TinyDataset.create(work.resolve("dataset"), 3, 4, 3);
        Path dataDir = work.resolve("service-data");
        try (ServiceProcess service = ServiceProcess.start(ServiceProcess.TINY, dataDir, KEYS)) {
            Path straight = work.resolve("straight");
            assertThat(Cli.run(args(service, "straight-key-01", dataset, straight)).exitCode()).isZero();

            Path faulted = work.resolve("faulted");
            CompletableFuture<Cli.Outcome> run = CompletableFuture.supplyAsync(
                    () -> Cli.run(args(service, "faulted-key-02", dataset, faulted)));
            waitForRounds(faulted.resolve("metrics.csv"), 3, run);
            service.kill();
            service.restart();
            Cli.Outcome outcome = run.get();
            assertThat(outcome.exitCode()).as(outcome.err()).isZero();

            assertThat(withoutWallTime(faulted)).isEqualTo(withoutWallTime(straight));
            assertThat(Files.readAllBytes(faulted.resolve("tuned/prompt.tensor")))
                    .isEqualTo(Files.readAllBytes(straight.resolve("tuned/prompt.tensor")));
            long straightCharged = usage(service, "straight-key-01");
            long faultedCharged = usage(service, "faulted-key-02");
            JsonNode report = JSON.readTree(faulted.resolve("report.json").toFile());
            assertThat(faultedCharged).isEqualTo(straightCharged)
                    .isEqualTo(report.get("trainQueries").asLong() + report.get("evalQueries").asLong());
            assertThat(report.get("trainQueries").asLong()).isLessThanOrEqualTo(report.get("budget").asLong());
            // The datasets uploaded before the crash are still there and still used.
            assertThat(JSON.readTree(service.get("/v1/datasets", "faulted-key-02")).size()).isEqualTo(2);

            assertThat(service.log()).contains("Started VlmServiceApplication")
                    .doesNotContain("straight-key-01", "faulted-key-02", "uploads-key-03");
            assertNoFileContains(dataDir, "straight-key-01", "faulted-key-02", "uploads-key-03");
        }
    }

    @Test
    void uploadCutShortByACrashLeavesNothingBehind() throws Exception {
        Path dataDir = work.resolve("service-data");
        try (ServiceProcess service = ServiceProcess.start(ServiceProcess.TINY, dataDir, KEYS)) {
            byte[] body = multipartOfImages(3000);
            String boundary = new String(body, 2, 36, StandardCharsets.US_ASCII);
            HttpRequest upload = HttpRequest.newBuilder(service.url().resolve("/v1/datasets"))
                    .header("Authorization", "Bearer uploads-key-03")
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .timeout(Duration.ofMinutes(5))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            CompletableFuture<HttpResponse<String>> response = HttpClient.newHttpClient()
                    .sendAsync(upload, HttpResponse.BodyHandlers.ofString());
            Thread.sleep(1500);
            assertThat(response).as(() -> "the upload must still be running when the service is killed, but it ended: "
                    + response.getNow(null)).isNotDone();
            service.kill();
            assertThat(response).failsWithin(Duration.ofSeconds(10));

            service.restart();
            assertThat(JSON.readTree(service.get("/v1/datasets", "uploads-key-03")).size()).isZero();
            try (Stream<Path> files = Files.list(dataDir.resolve("datasets"))) {
                assertThat(files).isEmpty();
            }
            assertThat(service.log()).doesNotContain("uploads-key-03");
        }
    }

    private static String[] args(ServiceProcess service, String key, Path dataset, Path out) {
        return new String[] {"tune", "--service", service.url().toString(), "--api-key", key,
                "--dataset", dataset.toString(), "--shots", "2", "--seed", "5", "--method", "craft",
                "--budget", "400", "--eval-every", "2", "--out", out.toString(), "--quiet", "--retries", "20",
                "--upload-cache", out.resolveSibling(out.getFileName() + "-uploads.json").toString()};
    }

    private static void waitForRounds(Path metrics, int rounds, CompletableFuture<Cli.Outcome> run) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(metrics) && Files.readAllLines(metrics).size() > rounds) {
                return;
            }
            if (run.isDone()) {
                throw new IllegalStateException("the run ended before round " + rounds + ": " + run.get().err());
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("the run did not reach round " + rounds);
    }

    private static long usage(ServiceProcess service, String key) throws Exception {
        return JSON.readTree(service.get("/v1/usage", key)).get("queries").asLong();
    }

    private static JsonNode withoutWallTime(Path run) throws IOException {
        ObjectNode report = (ObjectNode) JSON.readTree(run.resolve("report.json").toFile());
        report.remove("wallSeconds");
        report.remove("dataset");
        return report;
    }

    /** Keys are kept only as hashes: no file of the data dir holds one. */
    private static void assertNoFileContains(Path dir, String... secrets) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                for (String secret : secrets) {
                    assertThat(content).as(file.toString()).doesNotContain(secret);
                }
            }
        }
    }

    private byte[] multipartOfImages(int count) throws IOException {
        String boundary = UUID.randomUUID().toString();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] png = TestImages.largePng(256);
        for (int i = 0; i < count; i++) {
            out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"images\"; filename=\"img" + i
                    + ".png\"\r\nContent-Type: image/png\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(png);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
