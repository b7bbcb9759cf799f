package dev.craft.client.testsupport;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A real Prometheus server (Debian's package {@code prometheus}) in its own process on a free
 * loopback port, scraping one target every second and evaluating the given rule files, with its
 * storage in a temporary directory.
 */
public final class PrometheusServer implements AutoCloseable {

    /** How to get the binary; printed when it is missing. */
    public static final String INSTALL_HINT = "Prometheus is not installed, and this test starts a real one. Install "
            + "Debian's package: `bash scripts/setup.sh test` (scripts/test.sh does this), "
            + "or set PROMETHEUS_BIN to a prometheus binary.";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Process process;
    private final URI url;
    private final Path log;
    private final HttpClient http = HttpClient.newHttpClient();

    private PrometheusServer(Process process, URI url, Path log) {
        this.process = process;
        this.url = url;
        this.log = log;
    }

    /** PROMETHEUS_BIN, else /usr/bin/prometheus, else prometheus on the PATH; fails with {@link #INSTALL_HINT}. */
    public static Path binary() {
        List<Path> candidates = new ArrayList<>();
        String override = System.getenv("PROMETHEUS_BIN");
        if (override != null && !override.isBlank()) {
            candidates.add(Path.of(override));
        }
        candidates.add(Path.of("/usr/bin/prometheus"));
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isBlank()) {
                candidates.add(Path.of(dir, "prometheus"));
            }
        }
        return candidates.stream().filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new AssertionError(INSTALL_HINT));
    }

    /** Starts Prometheus scraping {@code target}'s /actuator/prometheus every second (job "vlm-service"). */
    public static PrometheusServer start(Path binary, Path dir, URI target, List<Path> ruleFiles)
            throws IOException, InterruptedException {
        return start(binary, dir, List.of(target), ruleFiles);
    }

    /** As above with several targets in the job, one instance each (the replicas of the service). */
    public static PrometheusServer start(Path binary, Path dir, List<URI> targets, List<Path> ruleFiles)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        StringBuilder config = new StringBuilder("""
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files:
                """);
        for (Path rules : ruleFiles) {
            config.append("  - \"").append(rules.toAbsolutePath()).append("\"\n");
        }
        config.append("""
                scrape_configs:
                  - job_name: vlm-service
                    metrics_path: /actuator/prometheus
                    static_configs:
                      - targets: [%s]
                """.formatted(targets.stream().map(t -> "\"" + t.getHost() + ":" + t.getPort() + "\"")
                .collect(Collectors.joining(", "))));
        Path configFile = dir.resolve("prometheus.yml");
        Files.writeString(configFile, config);
        int port = LocalProcesses.freePort();
        Path log = dir.resolve("prometheus.log");
        Process process = new ProcessBuilder(binary.toString(), "--config.file=" + configFile,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PrometheusServer server = new PrometheusServer(process, URI.create("http://127.0.0.1:" + port), log);
        server.awaitReady(Duration.ofSeconds(60));
        return server;
    }

    public URI url() {
        return url;
    }

    /** The data of an instant query ({@code resultType}, {@code result}); fails unless the status is success. */
    public JsonNode query(String promql) throws IOException, InterruptedException {
        JsonNode body = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        if (!"success".equals(body.path("status").asString())) {
            throw new AssertionError("Prometheus refused " + promql + ": " + body);
        }
        return body.get("data");
    }

    /** The value of the first sample of an instant query, or null when the result is empty. */
    public Double value(String promql) throws IOException, InterruptedException {
        JsonNode result = query(promql).get("result");
        if (result.isEmpty()) {
            return null;
        }
        return Double.parseDouble(result.get(0).get("value").get(1).asString());
    }

    /** Any GET on the HTTP API, as JSON (error bodies included). */
    public JsonNode get(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(url.resolve(pathAndQuery))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("prometheus exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                HttpResponse<String> ready = http.send(HttpRequest.newBuilder(url.resolve("/-/ready"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        close();
        throw new IllegalStateException("prometheus was not ready within " + timeout + ":\n" + log());
    }


    @Override
    public void close() {
        LocalProcesses.stop(process);
    }
}
