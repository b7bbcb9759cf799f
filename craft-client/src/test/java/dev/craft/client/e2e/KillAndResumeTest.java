package dev.craft.client.e2e;

import dev.craft.client.testsupport.Cli;
import dev.craft.client.testsupport.ServiceProcess;
import dev.craft.client.testsupport.TinyDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tuning job killed with SIGKILL in the middle of its run and resumed ends exactly as an
 * uninterrupted run with the same seed, and the service charged both the same: nothing twice.
 */
class KillAndResumeTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int BUDGET = 400;

    @TempDir
    Path work;

    @Test
    void killedRunResumesToTheSameResultWithoutPayingTwice() throws Exception {
        Path dataset = TinyDataset.create(work.resolve("dataset"), 3, 4, 3);
        try (ServiceProcess service = ServiceProcess.start(ServiceProcess.TINY, work.resolve("service-data"),
                "straight:straight-key-01:100000,killed:killed-key-002:100000")) {
            Path straight = work.resolve("straight");
            Cli.Outcome uninterrupted = Cli.run(args(service, "straight-key-01", dataset, straight).toArray(String[]::new));
            assertThat(uninterrupted.exitCode()).as(uninterrupted.err()).isZero();

            Path killed = work.resolve("killed");
            Process process = startClientProcess(args(service, "killed-key-002", dataset, killed));
            waitForRounds(killed.resolve("metrics.csv"), 4, process);
            process.destroyForcibly().waitFor();
            assertThat(killed.resolve("report.json")).doesNotExist();

            List<String> resume = args(service, "killed-key-002", dataset, killed);
            resume.add("--resume");
            Cli.Outcome resumed = Cli.run(resume.toArray(String[]::new));
            assertThat(resumed.exitCode()).as(resumed.err()).isZero();

            assertThat(withoutWallTime(killed)).isEqualTo(withoutWallTime(straight));
            assertThat(Files.readAllBytes(killed.resolve("tuned/prompt.tensor")))
                    .isEqualTo(Files.readAllBytes(straight.resolve("tuned/prompt.tensor")));
            assertThat(Files.readAllBytes(killed.resolve("tuned/refiner.tensors")))
                    .isEqualTo(Files.readAllBytes(straight.resolve("tuned/refiner.tensors")));
            assertThat(Files.readAllLines(killed.resolve("metrics.csv"))).hasSize(1 + BUDGET / 40);

            long straightCharged = JSON.readTree(service.get("/v1/usage", "straight-key-01")).get("queries").asLong();
            long killedCharged = JSON.readTree(service.get("/v1/usage", "killed-key-002")).get("queries").asLong();
            assertThat(killedCharged).isEqualTo(straightCharged);
            JsonNode report = JSON.readTree(killed.resolve("report.json").toFile());
            assertThat(killedCharged).isEqualTo(report.get("trainQueries").asLong() + report.get("evalQueries").asLong());
            assertThat(report.get("trainQueries").asLong()).isLessThanOrEqualTo(BUDGET);
        }
    }

    private static List<String> args(ServiceProcess service, String key, Path dataset, Path out) {
        return new ArrayList<>(List.of("tune", "--service", service.url().toString(), "--api-key", key,
                "--dataset", dataset.toString(), "--shots", "2", "--seed", "3", "--method", "craft",
                "--budget", Integer.toString(BUDGET), "--eval-every", "3", "--out", out.toString(), "--quiet",
                "--upload-cache", out.resolveSibling(out.getFileName() + "-uploads.json").toString()));
    }

    /** The client as its own JVM, so that it can be killed like a real job. */
    private static Process startClientProcess(List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(ServiceProcess.javaBinary(), "-cp",
                System.getProperty("java.class.path"), "dev.craft.client.CraftCli"));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("OMP_NUM_THREADS", "1");
        return builder.start();
    }

    private static void waitForRounds(Path metrics, int rounds, Process process) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(metrics) && Files.readAllLines(metrics).size() > rounds) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("the client ended (exit " + process.exitValue() + ") before round " + rounds);
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the client did not reach round " + rounds);
    }

    private static JsonNode withoutWallTime(Path run) throws IOException {
        ObjectNode report = (ObjectNode) JSON.readTree(run.resolve("report.json").toFile());
        report.remove("wallSeconds");
        report.remove("dataset");
        return report;
    }
}
