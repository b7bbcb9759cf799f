package dev.craft.client.e2e;

import dev.craft.client.testsupport.Cli;
import dev.craft.client.testsupport.ServiceProcess;
import dev.craft.client.testsupport.TinyDataset;
import dev.craft.client.testsupport.TuneRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
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
        killAndResume(BUDGET, 3, List.of(), false);
    }

    @Test
    void aRunWithTwoViewsKilledInItsSecondStageResumesWithTheFirstStagesPrompt() throws Exception {
        // 20 rounds, the second prompt's stage from round 11: the checkpoint at the kill names the first view
        // (4 shots: views need the cross-validated refit's 4)
        killAndResume(2 * BUDGET, 13, List.of("--shots", "4", "--preset", "craft+", "--views", "2"), true);
    }

    private void killAndResume(int budget, int killAfterRounds, List<String> extra, boolean frozenViewAtKill)
            throws Exception {
        Path dataset = TinyDataset.create(work.resolve("dataset"), 3, 4, 3);
        try (ServiceProcess service = ServiceProcess.start(ServiceProcess.TINY, work.resolve("service-data"),
                "straight:straight-key-01:100000,killed:killed-key-002:100000")) {
            Path straight = work.resolve("straight");
            Cli.Outcome uninterrupted = Cli.run(args(service, "straight-key-01", dataset, straight, budget, extra)
                    .toArray(String[]::new));
            assertThat(uninterrupted.exitCode()).as(uninterrupted.err()).isZero();

            Path killed = work.resolve("killed");
            Process process = TuneRuns.startClientProcess(args(service, "killed-key-002", dataset, killed, budget, extra));
            TuneRuns.waitForRounds(killed, killAfterRounds, process);
            process.destroyForcibly().waitFor();
            assertThat(killed.resolve("report.json")).doesNotExist();
            assertThat(Files.exists(killed.resolve("checkpoint/view-logits-0.tensor"))).isEqualTo(frozenViewAtKill);

            List<String> resume = args(service, "killed-key-002", dataset, killed, budget, extra);
            resume.add("--resume");
            Cli.Outcome resumed = Cli.run(resume.toArray(String[]::new));
            assertThat(resumed.exitCode()).as(resumed.err()).isZero();

            TuneRuns.assertSameResult(killed, straight);
            assertThat(Files.readAllLines(killed.resolve("metrics.csv"))).hasSize(1 + budget / 40);

            long straightCharged = JSON.readTree(service.get("/v1/usage", "straight-key-01")).get("queries").asLong();
            long killedCharged = JSON.readTree(service.get("/v1/usage", "killed-key-002")).get("queries").asLong();
            assertThat(killedCharged).isEqualTo(straightCharged);
            assertThat(killedCharged).isEqualTo(TuneRuns.reportedQueries(killed));
            assertThat(TuneRuns.report(killed).get("trainQueries").asLong()).isLessThanOrEqualTo(budget);
        }
    }

    private static List<String> args(ServiceProcess service, String key, Path dataset, Path out, int budget,
                                     List<String> extra) {
        List<String> args = TuneRuns.tuneArgs(service.url(), key, dataset, out, budget);
        for (int i = 0; i < extra.size(); i += 2) {
            int given = args.indexOf(extra.get(i));
            if (given >= 0) {
                args.set(given + 1, extra.get(i + 1));
            } else {
                args.addAll(extra.subList(i, i + 2));
            }
        }
        return args;
    }
}
