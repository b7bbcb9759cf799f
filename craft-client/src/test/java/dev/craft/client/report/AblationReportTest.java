package dev.craft.client.report;

import dev.craft.client.testsupport.Cli;
import dev.craft.client.tune.DatasetProfile;
import dev.craft.client.tune.FinalRefit;
import dev.craft.client.tune.Method;
import dev.craft.client.tune.Preset;
import dev.craft.client.tune.RoundMetrics;
import dev.craft.client.tune.RunDirectory;
import dev.craft.client.tune.TuneConfig;
import dev.craft.client.tune.TuneReport;
import dev.craft.client.tune.TuneSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The ablation page on run folders written with the classes that write real runs. */
class AblationReportTest {

    private static final List<String> CLASSES = List.of("banded", "bubbly", "cracked");

    @TempDir
    Path temp;

    @Test
    void groupsRunsByVariantAndDatasetAndAddsTheLoopNetworkRowOfRefitRuns() throws Exception {
        Path dtd = temp.resolve("dtd");
        // craft with the refit: 0.60 / 0.70 (loop network 0.50 / 0.52); bbt without: 0.40 / 0.50
        run(dtd.resolve("a/craft-16shot-seed1"), Method.CRAFT, 1, FinalRefit.CV, 0.60, 0.50, new int[] {3, 3, 25, 25, 30});
        run(dtd.resolve("a/craft-16shot-seed2"), Method.CRAFT, 2, FinalRefit.CV, 0.70, 0.52, new int[] {2, 22, 22, 22, 22});
        run(dtd.resolve("b/bbt-16shot-seed1"), Method.BBT, 1, FinalRefit.NONE, 0.40, Double.NaN, new int[] {1, 2, 3, 4, 5});
        run(dtd.resolve("b/bbt-16shot-seed2"), Method.BBT, 2, FinalRefit.NONE, 0.50, Double.NaN, new int[] {1, 1, 1, 1, 1});
        String page = page(dtd);
        assertThat(page).contains("| craft · 16 shots · 2,000 queries · paper · final refit cv | 65.00 ± 7.07 (2) |");
        assertThat(page).contains("| craft · 16 shots · 2,000 queries · paper · loop network (same runs as final refit cv) | 51.00 ± 1.41 (2) |");
        assertThat(page).contains("| bbt · 16 shots · 2,000 queries · paper | 45.00 ± 7.07 (2) |");
        // prompt changes in rounds 21+ (rows are rounds 19..23): seed 1 changes at 21 and 23, seed 2 at none
        // after 20 (its change is at round 20); refit epochs per seed
        assertThat(page).contains("| 2, 0 | 50, 0 |");
        assertThat(page).contains("Zero-shot: DTD-10 30.00");
        assertThat(page).contains("`" + dtd + "` (4 runs)");
    }

    @Test
    void aCraftRunWithOtherConsistencyTermsThanItsPresetsIsAVariantOfItsOwn() throws Exception {
        Path bench = temp.resolve("kl");
        TuneSettings paper = Preset.PAPER.settings(DatasetProfile.OTHER, CLASSES.size());
        run(bench.resolve("craft-default"), Method.CRAFT, 1, paper, 0.60, Double.NaN, new int[] {1, 1, 1, 1, 1});
        run(bench.resolve("craft-strong-kl"), Method.CRAFT, 1, paper.withConsistency(1.0, 1.0, 1), 0.70, Double.NaN,
                new int[] {1, 1, 1, 1, 1});
        String page = page(bench);
        assertThat(page).contains("| craft · 16 shots · 2,000 queries · paper · no final refit | 60.00 (1) |");
        assertThat(page).contains("| craft · 16 shots · 2,000 queries · paper · KL w=1, n=1 · no final refit | 70.00 (1) |");
    }

    @Test
    void aRunWithSeveralViewsIsAVariantOfItsOwn() throws Exception {
        Path bench = temp.resolve("views");
        TuneSettings paper = Preset.PAPER.settings(DatasetProfile.OTHER, CLASSES.size());
        run(bench.resolve("one"), Method.PGPR, 1, paper, 0.60, Double.NaN, new int[] {1, 1});
        run(bench.resolve("two"), Method.PGPR, 1, paper.withRefiner(paper.refiner().withViews(2)), 0.65, Double.NaN,
                new int[] {1, 1});
        String page = page(bench);
        assertThat(page).contains("| pgpr · 16 shots · 2,000 queries · paper · no final refit | 60.00 (1) |");
        assertThat(page).contains("| pgpr · 16 shots · 2,000 queries · paper · 2 views · no final refit | 65.00 (1) |");
    }

    @Test
    void aConsistencyRefitIsAVariantOfItsOwnAndShowsTheChosenWeight() throws Exception {
        Path dtd = temp.resolve("dtd");
        run(dtd.resolve("a"), Method.CRAFT, 1, FinalRefit.CV_KL, 0.62, 0.50, new int[] {19, 19});
        run(dtd.resolve("b"), Method.CRAFT, 2, FinalRefit.CV_KL, 0.58, 0.52, new int[] {19, 19});
        run(dtd.resolve("c"), Method.CRAFT, 1, FinalRefit.CV, 0.60, 0.50, new int[] {19, 19});
        String page = page(dtd);
        assertThat(page).contains("| craft · 16 shots · 2,000 queries · paper · final refit cv-kl | 60.00 ± 2.83 (2) |");
        assertThat(page).contains("| craft · 16 shots · 2,000 queries · paper · final refit cv | 60.00 (1) |");
        // refit choice per seed: seed 1 chose 50 epochs at weight 0.3, seed 2 the raw logits
        assertThat(page).contains("| 50 w=0.3, 0 |");
        // the loop networks of the two kinds of refit run are rows of their own
        assertThat(page).contains("| craft · 16 shots · 2,000 queries · paper · loop network (same runs as final refit cv-kl) "
                + "| 51.00 ± 1.41 (2) |");
        assertThat(page).contains("| craft · 16 shots · 2,000 queries · paper · loop network (same runs as final refit cv) "
                + "| 50.00 (1) |");
    }

    @Test
    void aFolderWithoutFinishedRunsIsAnError() throws IOException {
        Files.createDirectories(temp.resolve("empty"));
        Cli.Outcome outcome = Cli.run("report", "ablation", "--bench", "X=" + temp.resolve("empty"),
                "--out", temp.resolve("a.md").toString());
        assertThat(outcome.exitCode()).isNotZero();
        assertThat(outcome.err()).contains("holds no finished run");
        assertThat(temp.resolve("a.md")).doesNotExist();
    }

    /** A finished run whose metrics rows are rounds 19..23 with the given current-prompt rounds. */
    /** The page `craft report ablation` writes for one bench folder labelled DTD-10. */
    private String page(Path bench) throws IOException {
        Path out = temp.resolve("page.md");
        Cli.Outcome outcome = Cli.run("report", "ablation", "--bench", "DTD-10=" + bench, "--out", out.toString());
        assertThat(outcome.exitCode()).as(outcome.err()).isZero();
        return Files.readString(out);
    }

    private static void run(Path dir, Method method, long seed, FinalRefit refit, double accuracy, double loopAccuracy,
                            int[] promptRounds) throws IOException {
        run(dir, method, seed, Preset.PAPER.settings(DatasetProfile.OTHER, CLASSES.size()).withFinalRefit(refit), accuracy,
                loopAccuracy, promptRounds);
    }

    private static void run(Path dir, Method method, long seed, TuneSettings settings, double accuracy, double loopAccuracy,
                            int[] promptRounds) throws IOException {
        FinalRefit refit = settings.finalRefit();
        TuneConfig config = new TuneConfig(UUID.randomUUID().toString(), method, "/data/dtd.json", DatasetProfile.OTHER,
                16, seed, 2000, 0, "best", "http://localhost:8080", "test-model-v1", "a photo of a {}.", CLASSES, 128,
                0.001, settings, "cs_1", "ds_1", "ds_2");
        RunDirectory run = RunDirectory.create(dir, config);
        for (int i = 0; i < promptRounds.length; i++) {
            int round = 19 + i;
            run.appendMetrics(new RoundMetrics(round, 40L * round, 1, 1.0, 1.2, 0.5, 0.9, Double.NaN, 100L * round,
                    50, 5, 20, promptRounds[i]));
        }
        TuneReport.Refit chosen = switch (refit) {
            case NONE -> null;
            case CV -> new TuneReport.Refit(seed == 1 ? 50 : 0, 4, Map.of(0, 0.5, 50, 0.6), Map.of(0, 1.0, 50, 0.9), 1.0,
                    loopAccuracy);
            case CV_KL -> new TuneReport.Refit(seed == 1 ? 50 : 0, 4, Map.of(0, 0.5, 50, 0.6), Map.of(0, 1.0, 50, 0.9),
                    1.0, loopAccuracy, 0.3, List.of(new TuneReport.RefitScore(0, 0, 0.5, 1.0),
                    new TuneReport.RefitScore(0.3, 50, 0.6, 0.9)));
        };
        run.writeReport(new TuneReport(method.id(), "/data/dtd.json", 16, seed, 2000, 2000, 2, 0.30, accuracy, 10.0,
                1000, chosen));
    }
}
