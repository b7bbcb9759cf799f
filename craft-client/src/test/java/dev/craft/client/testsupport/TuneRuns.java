package dev.craft.client.testsupport;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Tuning runs of the CLI that a test interrupts (kills the client or a replica) and compares with an uninterrupted one. */
public final class TuneRuns {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private TuneRuns() {
    }

    /** {@code craft tune} with CraFT on a small dataset, 2 shots, seed 3, an evaluation every 3 rounds. */
    public static List<String> tuneArgs(URI service, String key, Path dataset, Path out, int budget) {
        return new ArrayList<>(List.of("tune", "--service", service.toString(), "--api-key", key,
                "--dataset", dataset.toString(), "--shots", "2", "--seed", "3", "--method", "craft",
                "--budget", Integer.toString(budget), "--eval-every", "3", "--out", out.toString(), "--quiet",
                "--upload-cache", out.resolveSibling(out.getFileName() + "-uploads.json").toString()));
    }

    /** The client as its own JVM, so that it can be killed like a real job. */
    public static Process startClientProcess(List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(ServiceProcess.javaBinary(), "-cp",
                System.getProperty("java.class.path"), "dev.craft.client.CraftCli"));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("OMP_NUM_THREADS", "1");
        return builder.start();
    }

    /** Waits until the run's metrics.csv has more than {@code rounds} rounds. */
    public static void waitForRounds(Path run, int rounds, Process client) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            if (roundsDone(run) > rounds) {
                return;
            }
            if (!client.isAlive()) {
                throw new IllegalStateException("the client ended (exit " + client.exitValue() + ") before round " + rounds);
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the client did not reach round " + rounds);
    }

    /** Rounds written to the run's metrics.csv so far. */
    public static int roundsDone(Path run) throws IOException {
        Path metrics = run.resolve("metrics.csv");
        return Files.exists(metrics) ? Math.max(0, Files.readAllLines(metrics).size() - 1) : 0;
    }

    public static JsonNode report(Path run) throws IOException {
        return JSON.readTree(run.resolve("report.json").toFile());
    }

    /** Queries the run says it spent: training and evaluation. */
    public static long reportedQueries(Path run) throws IOException {
        JsonNode report = report(run);
        return report.get("trainQueries").asLong() + report.get("evalQueries").asLong();
    }

    /** The same report (but for wall time and dataset path), prompt and refiner, to the byte. */
    public static void assertSameResult(Path run, Path uninterrupted) throws IOException {
        assertThat(withoutWallTime(run)).isEqualTo(withoutWallTime(uninterrupted));
        assertThat(Files.readAllBytes(run.resolve("tuned/prompt.tensor")))
                .isEqualTo(Files.readAllBytes(uninterrupted.resolve("tuned/prompt.tensor")));
        assertThat(Files.readAllBytes(run.resolve("tuned/refiner.tensors")))
                .isEqualTo(Files.readAllBytes(uninterrupted.resolve("tuned/refiner.tensors")));
    }

    private static JsonNode withoutWallTime(Path run) throws IOException {
        ObjectNode report = (ObjectNode) report(run);
        report.remove("wallSeconds");
        report.remove("dataset");
        if (report.get("finalRefit") instanceof ObjectNode refit) {
            refit.remove("cpuSeconds");
        }
        return report;
    }
}
