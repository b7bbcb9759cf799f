package dev.craft.client.report;

import dev.craft.api.Tensor;
import dev.craft.client.bench.BenchSummary;
import dev.craft.client.perf.MachineInfo;
import dev.craft.client.perf.PerfReport;
import dev.craft.client.perf.RoundProfile;
import dev.craft.client.testsupport.Cli;
import dev.craft.client.tune.DatasetProfile;
import dev.craft.client.tune.Method;
import dev.craft.client.tune.Preset;
import dev.craft.client.tune.RoundMetrics;
import dev.craft.client.tune.RunCheckpoint;
import dev.craft.client.tune.RunDirectory;
import dev.craft.client.tune.TuneConfig;
import dev.craft.client.tune.TuneReport;
import dev.craft.client.tune.TuneSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page generator on fabricated measurement files, written with the same classes that write real
 * ones (RunDirectory, BenchSummary, the PerfReport record); the numbers in them are chosen so that
 * every figure on the page can be checked by hand.
 */
class BenchmarksReportTest {

    private static final List<String> CLASSES = List.of("banded", "bubbly", "cracked");

    @TempDir
    Path tmp;

    @Test
    void writesEveryTableAndPlotFromTheFiles() throws Exception {
        Path bench = fabricateBench(tmp.resolve("bench"));
        Path perf = tmp.resolve("perf.json");
        JsonMapper.builder().build().writeValue(perf.toFile(), perfReport());
        Path service = tmp.resolve("service.json");
        Files.writeString(service, """
                {"bundle": "tiny", "machine": {"cores": 2},
                 "overhead": [{"prompts": 40, "classes": 10, "images": 160, "requests": 50, "forwardMsMedian": 12.5,
                               "forwardMsP90": 14.0, "roundTripMsMedian": 15.0, "roundTripMsP90": 18.0,
                               "serverMsMean": 13.0, "overheadRatio": 1.2, "repeats": 5, "addedLater": "x"}],
                 "wire": [{"prompts": 40, "classes": 10, "images": 160, "binaryMsMedian": 1.5, "jsonMsMedian": 9.25,
                           "binaryBytes": 256000, "jsonBytes": 1200000}]}
                """);
        Path scale = fabricateScaleRun(tmp.resolve("scale"));
        Path commands = tmp.resolve("commands.txt");
        Files.writeString(commands, "craft bench --shots 1,4 --seeds 1,2\n");
        Path out = tmp.resolve("docs/benchmarks.md");

        Cli.Outcome outcome = Cli.run("report", "benchmarks", "--bench", "DTD-3 (test)=" + bench, "--perf", perf.toString(),
                "--service-bench", service.toString(), "--scale", scale.toString(), "--commands", commands.toString(),
                "--note", "Measured on a shared machine.", "--out", out.toString(),
                "--img-dir", tmp.resolve("docs/img").toString());
        assertThat(outcome.exitCode()).as(outcome.err()).isZero();
        String md = Files.readString(out);

        // the grid that ran, read from the runs
        assertThat(md).contains("| methods | ZS, BBT, CraFT |", "| shots | 1, 4 |", "| seeds | 1, 2 |",
                "| training budget per run | 1 shot: 80; 4 shots: 160 |", "| served model | test-model-v1 |",
                "| classes (K) | 3 |", "| runs | 12 |",
                "| prompts per prediction (views) | ZS, BBT: 1; CraFT: 1 (1 shot), 2 (4 shots) |");
        // accuracy: mean ± sample std over the two seeds (0.50 and 0.60 -> 55.00 ± 7.07)
        assertThat(md).contains("| Method | 1 shot | 4 shots |", "| ZS | 40.00 ± 0.00 | 40.00 ± 0.00 |",
                "| CraFT | 45.00 ± 7.07 | 55.00 ± 7.07 |");
        // queries: training + evaluation, and wall time
        assertThat(md).contains("| BBT | 80 + 3 | 160 + 5 |", "| ZS | 0 + 1 | 0 + 1 |", "| CraFT | 1.50 ± 0.71 |");
        assertThat(md).contains("CraFT 4-shot 55.00 ± 7.07 % against ZS 40.00 % (+15.00 points), 2 seeds.");
        // the paper's numbers, labelled
        assertThat(md).contains("| CLIP RN50 | CraFT | 16 | 71.22 |", "**not comparable**");
        // bench-perf
        assertThat(md).contains("| query: one request with all candidates | 60.0 | 60.00 |",
                "| CMA-ES ask/tell + projection, critical path | 5.00 | 5.00 |",
                "|   background eigendecomposition CPU time | 30.0 |  |",
                "| training loop (s) | 20.0 | 80.0 |", "| predict requests | 202 | 8,002 |",
                "Speed-up of the production client: **4.00×**. Final accuracy equal: **yes**.",
                "Bit-identical learning (metrics.csv apart from timings, tuned prompt and MLP): **no**; same tuned prompt: "
                        + "**yes**; largest relative difference of a round's best or mean fitness: 2.5e-08.",
                "| tuned/ ÷ model | 0.0125 (1/80) |");
        // the service file, including a column it did not know
        assertThat(md).contains("| prompts | classes | images | requests | forward ms (median) |", "| addedLater |",
                "| 40 | 10 | 160 | 50 | 12.50 |", "| 256,000 | 1,200,000 |", "Memory under concurrent requests. Not in the file.");
        // the scale case, labelled as training-set accuracy
        assertThat(md).contains("**every accuracy in this table is on the training images**",
                "| classes (K) | 1,000 |", "| training images (N) | 1,000 |", "| round, wall ms (mean of rounds 2..3) | 1,500 |",
                "| training accuracy after the last round (%) | 3.00 |");
        // provenance
        assertThat(md).contains("craft bench --shots 1,4 --seeds 1,2", "craft report benchmarks --bench",
                "Measured on a shared machine.");

        Path shots = tmp.resolve("docs/img/benchmarks-dtd-3-test-shots.png");
        Path queries = tmp.resolve("docs/img/benchmarks-dtd-3-test-queries-4shot.png");
        assertThat(md).contains("](img/benchmarks-dtd-3-test-shots.png)", "](img/benchmarks-dtd-3-test-queries-4shot.png)");
        assertThat(ImageIO.read(shots.toFile()).getWidth()).isEqualTo(900);
        assertThat(ImageIO.read(queries.toFile()).getHeight()).isEqualTo(560);
    }

    @Test
    void aMissingServiceFileIsReportedNotFatal() throws Exception {
        Path bench = fabricateBench(tmp.resolve("bench"));
        Path out = tmp.resolve("page.md");
        Cli.Outcome outcome = Cli.run("report", "benchmarks", "--bench", bench.toString(),
                "--service-bench", tmp.resolve("absent.json").toString(), "--out", out.toString(),
                "--img-dir", tmp.resolve("img").toString());
        assertThat(outcome.exitCode()).as(outcome.err()).isZero();
        String md = Files.readString(out);
        assertThat(md).contains("did not exist when this page was generated", "## split_zhou_Test (3 classes)")
                .doesNotContain("craft bench-perf");
        assertThat(Cli.run("report", "benchmarks", "--out", out.toString()).err())
                .startsWith("craft: error: nothing to report");
    }

    // ------------------------------------------------------------------ fixtures

    /**
     * zs, bbt, craft x 1, 4 shots x seeds 1, 2; craft's accuracy 0.4/0.5 (1 shot) and 0.5/0.6 (4 shots),
     * with two views at 4 shots.
     */
    private static Path fabricateBench(Path bench) throws IOException {
        List<TuneReport> reports = new ArrayList<>();
        for (Method method : List.of(Method.ZS, Method.BBT, Method.CRAFT)) {
            for (int shots : List.of(1, 4)) {
                for (long seed : List.of(1L, 2L)) {
                    long budget = shots == 1 ? 80 : 160;
                    double accuracy = method == Method.ZS ? 0.4 : (shots == 1 ? 0.4 : 0.5) + 0.1 * (seed - 1);
                    Path dir = bench.resolve(method.id() + "-" + shots + "shot-seed" + seed);
                    int views = method == Method.CRAFT && shots == 4 ? 2 : 1;
                    RunDirectory run = RunDirectory.create(dir, config(method, shots, seed, budget, views));
                    int rounds = method == Method.ZS ? 0 : (int) (budget / 40);
                    for (int r = 1; r <= rounds; r++) {
                        run.appendMetrics(new RoundMetrics(r, 40L * r, 1 + r, 1.0, 1.2, 0.5, 0.5,
                                0.4 + (accuracy - 0.4) * r / rounds, 100L * r, 50, 5, 20));
                    }
                    TuneReport report = new TuneReport(method.id(), "/data/split_zhou_Test.json", shots, seed, budget,
                            method == Method.ZS ? 0 : budget, method == Method.ZS ? 1 : 1 + rounds, 0.4, accuracy,
                            method == Method.CRAFT ? seed : 0.5, 1000);
                    run.writeReport(report);
                    reports.add(report);
                }
            }
        }
        Files.writeString(bench.resolve("summary.csv"), BenchSummary.from(reports).csv());
        return bench;
    }

    private static TuneConfig config(Method method, int shots, long seed, long budget, int views) {
        TuneSettings settings = Preset.PAPER.settings(DatasetProfile.OTHER, CLASSES.size());
        return new TuneConfig(UUID.randomUUID().toString(), method, "/data/split_zhou_Test.json", DatasetProfile.OTHER,
                shots, seed, budget, 1, "best", "http://localhost:8080", "test-model-v1", "a photo of a {}.", CLASSES, 128,
                0.001, settings.withRefiner(settings.refiner().withViews(views)), "cs_1", "ds_1", "ds_2");
    }

    /** Three rounds of a 1000-class run with one image per class; rounds 2 and 3 take 1.5 s each. */
    private static Path fabricateScaleRun(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        for (int k = 0; k < 1000; k++) {
            names.add("class " + k);
        }
        TuneConfig config = new TuneConfig(UUID.randomUUID().toString(), Method.CRAFT, "/data/in1k", DatasetProfile.IMAGENET,
                1, 1, 120, 0, "best", "http://localhost:8080", "test-model-v1", "a photo of a {}.", names, 128, 0.001,
                Preset.PAPER.settings(DatasetProfile.IMAGENET, 1000), "cs_1", "ds_1", "ds_1");
        RunDirectory run = RunDirectory.create(dir, config);
        run.appendMetrics(new RoundMetrics(1, 40, 1, 7, 7, 7, 0.001, Double.NaN, 4000, 2000, 100, 1000));
        run.appendMetrics(new RoundMetrics(2, 80, 1, 6, 7, 7, 0.002, Double.NaN, 5500, 1000, 10, 400));
        run.appendMetrics(new RoundMetrics(3, 120, 2, 5, 7, 7, 0.03, 0.03, 7000, 1100, 12, 380));
        run.saveCheckpoint(new RunCheckpoint(3, 120, 2, 0.001, 0.03, 5, null, null, null, 7000, 3, null, null),
                new Tensor(new int[] {1000, 1000}, new float[1000 * 1000]));
        run.writeReport(new TuneReport("craft", "/data/in1k", 1, 1, 120, 120, 2, 0.001, 0.03, 7.0, 2000));
        return dir;
    }

    private static PerfReport perfReport() {
        MachineInfo machine = new MachineInfo(2, 1L << 34, "Test CPU", "Linux", "17", 3.5, 4.0, "1", "1");
        PerfReport.Setup setup = new PerfReport.Setup("craft", "paper", "/data/split_zhou_Test.json", 16, 1, 3, 48, 30,
                40, 512, 128);
        RoundProfile round = new RoundProfile(20, 2, 60, 5, 35, 30, 1, 0.33, 25, 10, 15, 8, 10, 100, 0.6, 0.05, 0.25, 0.10);
        PerfReport.EndToEnd endToEnd = new PerfReport.EndToEnd(8000, 20, 80, 4, 22, 83, 0.5, 0.5, true, false, true, 2.5e-8,
                new PerfReport.Requests(new PerfReport.Traffic(202, 8002, 8002), new PerfReport.Traffic(8002, 8002, 8002)));
        PerfReport.Artefact artefact = new PerfReport.Artefact(100_000, 528, 99_000, 2_000_000L, 8_000_000L, 8_100_000L,
                "counted", List.of(), 0.0125, 80.0);
        return new PerfReport("http://localhost:8080", "tiny", "test-model-v1", machine, setup, round, endToEnd, artefact);
    }
}
