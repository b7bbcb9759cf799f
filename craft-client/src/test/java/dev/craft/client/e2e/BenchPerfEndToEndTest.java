package dev.craft.client.e2e;

import dev.craft.client.testsupport.Cli;
import dev.craft.client.testsupport.ServiceProcess;
import dev.craft.client.testsupport.TinyDataset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * craft bench-perf against the real service jar (the embedded tiny bundle) with a tiny budget: the
 * production and the one-JSON-request-per-candidate runs learn the same, every request and query is
 * counted and agrees with the service's usage, the model is counted from the bundle, and the report
 * generator turns the JSON into the page's tables.
 */
class BenchPerfEndToEndTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String KEY = "perf-key-0001";

    @TempDir
    static Path work;

    private static ServiceProcess service;

    @BeforeAll
    static void start() throws Exception {
        service = ServiceProcess.start(ServiceProcess.TINY, work.resolve("service-data"), "perf:" + KEY + ":100000");
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void measuresBothQueryModesOnTheSameLearningAndReportsIt() throws Exception {
        Path dataset = TinyDataset.create(work.resolve("dataset"), 3, 3, 2);
        Path out = work.resolve("perf.json");
        Cli.Outcome outcome = Cli.run("bench-perf", "--service", service.url().toString(), "--api-key", KEY,
                "--dataset", dataset.toString(), "--shots", "2", "--budget", "80", "--rounds", "2",
                "--warmup-rounds", "1", "--model-bundle", Path.of("../deploy/models/bundles/tiny").toString(),
                "--upload-cache", work.resolve("uploads.json").toString(), "--out", out.toString());
        assertThat(outcome.exitCode()).as(outcome.err()).isZero();
        assertThat(outcome.out()).contains("equal: yes", "same tuned prompt: yes", "speed-up", "1,643,296 parameters");

        JsonNode perf = JSON.readTree(out.toFile());
        assertThat(perf.get("bundle").asString()).isEqualTo("tiny-clip-random");
        assertThat(perf.get("machine").get("cores").asInt()).isPositive();
        JsonNode setup = perf.get("setup");
        assertThat(setup.get("classes").asInt()).isEqualTo(3);
        assertThat(setup.get("trainImages").asInt()).isEqualTo(6);
        assertThat(setup.get("intrinsicDim").asInt()).isEqualTo(512);

        JsonNode round = perf.get("round");
        assertThat(round.get("rounds").asInt()).isEqualTo(2);
        assertThat(round.get("warmupRounds").asInt()).isEqualTo(1);
        double shares = round.get("queryShare").asDouble() + round.get("cmaesShare").asDouble()
                + round.get("mlpShare").asDouble() + round.get("otherShare").asDouble();
        assertThat(shares).isCloseTo(1.0, within(1e-9));
        assertThat(round.get("queryMs").asDouble()).isPositive();
        assertThat(round.get("cmaesMs").asDouble()).isPositive();
        assertThat(round.get("mlpEpochMs").asDouble()).isPositive();
        assertThat(round.get("roundMs").asDouble()).isGreaterThanOrEqualTo(round.get("queryMs").asDouble()
                + round.get("mlpMs").asDouble());

        JsonNode e2e = perf.get("endToEnd");
        assertThat(e2e.get("budget").asLong()).isEqualTo(80);
        // The service's logits for one prompt may differ in the last float bits between a request of 1 and
        // one of 40 (batch size), so only closeness is required; the CMA-ES path stayed the same here.
        assertThat(e2e.get("accuracyMatches").asBoolean()).isTrue();
        assertThat(e2e.get("samePrompt").asBoolean()).isTrue();
        assertThat(e2e.get("maxFitnessRelDiff").asDouble()).isLessThan(1e-5);
        assertThat(e2e.get("referenceStyleAccuracy").asDouble()).isEqualTo(e2e.get("productionAccuracy").asDouble());
        assertThat(e2e.get("speedup").asDouble()).isCloseTo(
                e2e.get("referenceStyleSeconds").asDouble() / e2e.get("productionSeconds").asDouble(), within(1e-9));
        JsonNode production = e2e.get("requests").get("production");
        JsonNode reference = e2e.get("requests").get("referenceStyle");
        // 2 rounds of 40 candidates + the zero-shot and the final evaluation
        assertThat(production.get("predictRequests").asLong()).isEqualTo(2 + 2);
        assertThat(reference.get("predictRequests").asLong()).isEqualTo(80 + 2);
        assertThat(production.get("queries").asLong()).isEqualTo(82).isEqualTo(production.get("charged").asLong());
        assertThat(reference.get("queries").asLong()).isEqualTo(82).isEqualTo(reference.get("charged").asLong());
        assertThat(Files.readAllBytes(work.resolve("perf-runs/production/tuned/prompt.tensor")))
                .isEqualTo(Files.readAllBytes(work.resolve("perf-runs/reference-style/tuned/prompt.tensor")));

        JsonNode artefact = perf.get("artefact");
        long tuned = artefact.get("tunedBytes").asLong();
        assertThat(tuned).isEqualTo(JSON.readTree(work.resolve("perf-runs/production/report.json").toFile())
                .get("artefactBytes").asLong());
        assertThat(artefact.get("modelParameters").asLong()).isEqualTo(1_643_296L);
        assertThat(artefact.get("modelBytes").asLong()).isEqualTo(4 * 1_643_296L);
        assertThat(artefact.get("ratio").asDouble()).isCloseTo(tuned / (4.0 * 1_643_296L), within(1e-12));

        // The profile run: 1 warm-up + 2 measured + 1 evaluated round; all three runs charged as counted.
        long usage = JSON.readTree(service.get("/v1/usage", KEY)).get("queries").asLong();
        assertThat(usage).isEqualTo(160 + 2 + 82 + 82);

        // A second invocation into the same work directory is refused before any query.
        Cli.Outcome again = Cli.run("bench-perf", "--service", service.url().toString(), "--api-key", KEY,
                "--dataset", dataset.toString(), "--shots", "2", "--budget", "80", "--out", out.toString());
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("is not empty; choose another --work directory");
        assertThat(JSON.readTree(service.get("/v1/usage", KEY)).get("queries").asLong()).isEqualTo(usage);

        Path page = work.resolve("benchmarks.md");
        Cli.Outcome report = Cli.run("report", "benchmarks", "--perf", out.toString(), "--out", page.toString(),
                "--img-dir", work.resolve("img").toString());
        assertThat(report.exitCode()).as(report.err()).isZero();
        assertThat(Files.readString(page)).contains("| predict requests | 4 | 82 |", "| model parameters | 1,643,296 |",
                "Final accuracy equal: **yes**");
    }
}
