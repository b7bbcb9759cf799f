package dev.craft.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.craft.client.bench.BenchSummary;
import dev.craft.client.tune.RoundMetrics;
import dev.craft.client.tune.TuneReport;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import dev.craft.client.testsupport.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

class PlotCommandTest {

    @TempDir
    Path tmp;

    private static Cli.Outcome craft(String... args) {
        return Cli.run(args);
    }

    /** A fake RUN_DIR: every {@code evalEvery}-th of {@code rounds} rounds evaluated; report.json when finished. */
    private Path runDir(String name, String method, int shots, long seed, int rounds, int evalEvery, boolean finished)
            throws IOException {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"),
                "{\"runId\":\"x\",\"method\":\"" + method.toUpperCase() + "\",\"shots\":" + shots + ",\"seed\":" + seed + "}");
        StringBuilder csv = new StringBuilder(RoundMetrics.HEADER).append('\n');
        for (int r = 1; r <= rounds; r++) {
            double test = evalEvery > 0 && r % evalEvery == 0 ? 0.45 + 0.25 * r / rounds + 0.01 * seed : Double.NaN;
            csv.append(new RoundMetrics(r, 40L * r, 0, 1.0 / r, 1.2 / r, 0.5, 0.6, test, 100L * r, 50, 10, 5).toCsv())
                    .append('\n');
        }
        Files.writeString(dir.resolve("metrics.csv"), csv);
        if (finished) {
            Files.writeString(dir.resolve("report.json"), JsonMapper.builder().build().writeValueAsString(
                    new TuneReport(method, "eurosat", shots, seed, 40L * rounds, 40L * rounds, 3, 0.42, 0.7, 12.5, 1000)));
        }
        return dir;
    }

    private static BufferedImage assertDrawnPng(Path png, int width, int height) throws IOException {
        assertThat(png).isRegularFile();
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).as("decodes as an image").isNotNull();
        assertThat(image.getWidth()).isEqualTo(width);
        assertThat(image.getHeight()).isEqualTo(height);
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < height; y += 2) {
            for (int x = 0; x < width; x += 2) {
                colours.add(image.getRGB(x, y));
            }
        }
        assertThat(colours.size()).as("distinct colours").isGreaterThan(10);
        return image;
    }

    @Test
    void queriesPlotsOneCurvePerRun() throws IOException {
        Path a = runDir("craft-16shot-seed1", "craft", 16, 1, 50, 5, true);
        Path b = runDir("bbt-16shot-seed1", "bbt", 16, 1, 50, 10, false);
        Path png = tmp.resolve("plots/queries.png");
        Cli.Outcome r = craft("plot", "queries", "--runs", a.toString(), b.toString(), "--out", png.toString(),
                "--width", "640", "--height", "400");
        assertThat(r.err()).isEmpty();
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("wrote " + png, "2 runs");
        BufferedImage image = assertDrawnPng(png, 640, 400);
        // The first run's line is drawn in the first palette colour (tab10 blue).
        boolean blue = false;
        for (int y = 0; y < 400 && !blue; y++) {
            for (int x = 0; x < 640 && !blue; x++) {
                blue = (image.getRGB(x, y) & 0xffffff) == 0x1f77b4;
            }
        }
        assertThat(blue).as("a pixel of the first series' colour").isTrue();
    }

    @Test
    void runWithoutAnEvaluatedRoundIsAClearError() throws IOException {
        Path pending = runDir("craft-1shot-seed1", "craft", 1, 1, 5, 0, false);
        Path png = tmp.resolve("q.png");
        Cli.Outcome r = craft("plot", "queries", "--runs", pending.toString(), "--out", png.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("craft: error: " + pending + " has no evaluated round: a zs run has no rounds at "
                + "all; another run has one once it finishes, and one per R rounds with --eval-every R"
                + System.lineSeparator());
        assertThat(png).doesNotExist();

        Cli.Outcome notARun = craft("plot", "queries", "--runs", tmp.resolve("nope").toString(), "--out", png.toString());
        assertThat(notARun.exitCode()).isEqualTo(1);
        assertThat(notARun.err()).contains("is not a run directory (no metrics.csv)");
    }

    @Test
    void shotsPlotsOneLinePerMethodFromTheSummary() throws IOException {
        List<TuneReport> reports = new ArrayList<>();
        for (String method : List.of("zs", "bbt", "craft")) {
            for (int shots : new int[] {1, 2, 4, 8, 16}) {
                for (long seed = 1; seed <= 3; seed++) {
                    double gain = "zs".equals(method) ? 0 : ("bbt".equals(method) ? 0.02 : 0.03) * (1 + Math.log(shots));
                    reports.add(new TuneReport(method, "eurosat", shots, seed, 8000, 8000, 3, 0.40,
                            0.40 + gain + 0.01 * seed, 10, 100));
                }
            }
        }
        Path bench = tmp.resolve("bench");
        Files.createDirectories(bench);
        Files.writeString(bench.resolve("summary.csv"), BenchSummary.from(reports).csv());
        Path png = tmp.resolve("shots.png");
        Cli.Outcome r = craft("plot", "shots", "--bench", bench.toString(), "--out", png.toString(), "--title", "EuroSAT");
        assertThat(r.err()).isEmpty();
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("3 lines");
        assertDrawnPng(png, 900, 560);
    }

    @Test
    void shotsWithASingleSeedAndNoZsCells() throws IOException {
        Path bench = tmp.resolve("one");
        Files.createDirectories(bench);
        Files.writeString(bench.resolve("summary.csv"), BenchSummary.from(List.of(
                new TuneReport("craft", "d", 16, 1, 8000, 8000, 3, 0.5, 0.7, 10, 100),
                new TuneReport("bbt", "d", 16, 1, 8000, 8000, 3, 0.5, 0.6, 10, 100))).csv());
        Path png = tmp.resolve("one.png");
        Cli.Outcome r = craft("plot", "shots", "--bench", bench.toString(), "--out", png.toString(), "--width", "300",
                "--height", "200");
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("3 lines"); // zero-shot, BBT, CraFT
        assertDrawnPng(png, 300, 200);
    }

    @Test
    void shotsWithoutASummaryOrWithABadSizeFails() {
        Cli.Outcome r = craft("plot", "shots", "--bench", tmp.toString(), "--out", tmp.resolve("x.png").toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("craft: error: " + tmp.resolve("summary.csv") + " not found (run craft bench first)"
                + System.lineSeparator());
        Cli.Outcome noSub = craft("plot");
        assertThat(noSub.exitCode()).isEqualTo(2);
        assertThat(noSub.err()).startsWith("craft: error: Missing required subcommand");
    }

    @Test
    void badSizeIsRejected() throws IOException {
        Path a = runDir("craft-16shot-seed1", "craft", 16, 1, 10, 5, true);
        Cli.Outcome r = craft("plot", "queries", "--runs", a.toString(), "--out", tmp.resolve("x.png").toString(),
                "--width", "10");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("plot size must be between 100 and 10000 pixels, got 10x560");
    }
}
