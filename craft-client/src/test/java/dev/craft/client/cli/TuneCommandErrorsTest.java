package dev.craft.client.cli;

import dev.craft.client.testsupport.Cli;
import dev.craft.client.testsupport.TinyDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad command lines fail before any query: non-zero exit, one line saying what is wrong. */
class TuneCommandErrorsTest {

    @TempDir
    Path work;

    private Cli.Outcome tune(String... extra) {
        String[] base = {"tune", "--service", "http://127.0.0.1:9", "--api-key", "some-key-123", "--shots", "2",
                "--out", work.resolve("run").toString()};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return Cli.run(args);
    }

    private static void assertOneLineError(Cli.Outcome outcome, String expected) {
        assertThat(outcome.exitCode()).isNotZero();
        String firstLine = outcome.err().strip().lines().findFirst().orElse("");
        assertThat(firstLine).startsWith("craft: error: ").contains(expected);
    }

    @Test
    void missingDatasetFolder() {
        assertOneLineError(tune("--dataset", work.resolve("nowhere").toString()), "does not exist");
    }

    @Test
    void folderWithoutAKnownLayout() throws Exception {
        Files.createDirectories(work.resolve("flat"));
        Files.writeString(work.resolve("flat/readme.txt"), "no images here");
        assertOneLineError(tune("--dataset", work.resolve("flat").toString()), "unknown dataset layout");
    }

    @Test
    void unknownQueryMode() {
        Path dataset = TinyDataset.create(work.resolve("ds"), 2, 2, 1);
        assertOneLineError(tune("--dataset", dataset.toString(), "--query-mode", "json"),
                "--query-mode 'json' is not one of batched, per-prompt-json");
    }

    @Test
    void consistencyWeightAndCutoffOutOfRange() {
        Path dataset = TinyDataset.create(work.resolve("ds"), 2, 2, 1);
        assertOneLineError(tune("--dataset", dataset.toString(), "--kl-weight", "-0.5"), "--kl-weight must be a finite number >= 0");
        assertOneLineError(tune("--dataset", dataset.toString(), "--kl-cutoff", "0"), "--kl-cutoff must be at least 1");
    }

    @Test
    void unknownFinalRefit() {
        Path dataset = TinyDataset.create(work.resolve("ds"), 2, 2, 1);
        assertOneLineError(tune("--dataset", dataset.toString(), "--final-refit", "always"),
                "--final-refit 'always' is not one of [none, cv, cv-kl]");
    }

    @Test
    void budgetBelowOneGeneration() {
        Path dataset = TinyDataset.create(work.resolve("ds"), 2, 2, 1);
        assertOneLineError(tune("--dataset", dataset.toString(), "--budget", "39"), "below one CMA-ES generation");
    }

    @Test
    void viewsBelowOneOrAboveTheGenerationsTheBudgetPays() {
        Path dataset = TinyDataset.create(work.resolve("ds"), 2, 2, 1);
        assertOneLineError(tune("--dataset", dataset.toString(), "--budget", "80", "--views", "0"),
                "--views must be at least 1");
        assertOneLineError(tune("--dataset", dataset.toString(), "--budget", "80", "--views", "3"),
                "--views 3 needs at least one CMA-ES generation per view: give --budget at least 120");
    }

    @Test
    void budgetBelowOneGenerationWithTheMeanPrompt() {
        Path dataset = TinyDataset.create(work.resolve("ds"), 2, 2, 1);
        assertOneLineError(tune("--dataset", dataset.toString(), "--budget", "40", "--current", "mean"),
                "below one CMA-ES generation (41 queries with --current mean)");
    }

    @Test
    void negativeEvalEvery() {
        Path dataset = TinyDataset.create(work.resolve("ds"), 2, 2, 1);
        assertOneLineError(tune("--dataset", dataset.toString(), "--eval-every", "-1"), "--eval-every must not be negative");
    }

    @Test
    void versionIsPrinted() {
        Cli.Outcome outcome = Cli.run("tune", "--version");
        assertThat(outcome.exitCode()).isZero();
        assertThat(outcome.out()).startsWith("craft ");
    }

    @Test
    void unknownMethod() {
        Path dataset = TinyDataset.create(work.resolve("ds"), 2, 2, 1);
        assertOneLineError(tune("--dataset", dataset.toString(), "--method", "magic"), "--method 'magic'");
    }

    @Test
    void unreachableServiceIsOneLineToo() {
        Path dataset = TinyDataset.create(work.resolve("ds"), 2, 2, 1);
        Cli.Outcome outcome = tune("--dataset", dataset.toString(), "--budget", "40", "--retries", "1");
        assertOneLineError(outcome, "cannot reach the service at http://127.0.0.1:9 for model after 2 attempts");
        assertThat(outcome.err()).doesNotContain("\tat ");
    }

    @Test
    void resumeWithoutARun() {
        Path dataset = TinyDataset.create(work.resolve("ds"), 2, 2, 1);
        assertOneLineError(tune("--dataset", dataset.toString(), "--resume"), "no run to resume");
    }

    @Test
    void missingRequiredOptionsExitTwo() {
        Cli.Outcome outcome = Cli.run("tune", "--api-key", "k");
        assertThat(outcome.exitCode()).isEqualTo(2);
        assertThat(outcome.err()).contains("Missing required option");
    }
}
