package dev.craft.client.e2e;

import dev.craft.client.testsupport.Cli;
import dev.craft.client.testsupport.ServiceProcess;
import dev.craft.client.testsupport.TinyDataset;
import dev.craft.client.tuned.TunedModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * craft tune against the real service jar in its own process, over real HTTP: every counter (the
 * client's report, the usage endpoint, Prometheus) agrees and the budget is never exceeded.
 */
class TuneEndToEndTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path work;

    private static ServiceProcess service;
    private static Path dataset;

    @BeforeAll
    static void start() throws Exception {
        service = ServiceProcess.start(ServiceProcess.TINY, work.resolve("service-data"),
                "craft:craft-key-0001:100000,bbt:bbt-key-0002:100000,small:small-key-0003:100000,"
                        + "eval:eval-key-0004:100000,bench:bench-key-0005:100000,refit:refit-key-0006:100000,"
                        + "plus:plus-key-0007:100000,views:views-key-0008:100000");
        dataset = TinyDataset.create(work.resolve("dataset"), 3, 4, 3);
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void craftRunKeepsEveryCounterInAgreementAndWithinBudget() throws Exception {
        Path out = work.resolve("run-craft");
        Cli.Outcome outcome = tune("craft-key-0001", "craft", 120, out, "--eval-every", "1");
        assertThat(outcome.exitCode()).as(outcome.err()).isZero();

        JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
        assertThat(fieldNames(report)).containsExactly("method", "dataset", "shots", "seed", "budget", "trainQueries",
                "evalQueries", "zeroShotAccuracy", "testAccuracy", "wallSeconds", "artefactBytes", "finalRefit");
        assertThat(report.get("finalRefit").isNull()).isTrue();
        long train = report.get("trainQueries").asLong();
        long eval = report.get("evalQueries").asLong();
        assertThat(train).isEqualTo(120).isLessThanOrEqualTo(report.get("budget").asLong());
        // zero-shot + one evaluation per round (3 rounds of 40)
        assertThat(eval).isEqualTo(4);

        JsonNode usage = JSON.readTree(service.get("/v1/usage", "craft-key-0001"));
        assertThat(usage.get("queries").asLong()).isEqualTo(train + eval);
        assertThat(prometheusQueries("craft")).isEqualTo(train + eval);

        List<String> metrics = Files.readAllLines(out.resolve("metrics.csv"));
        assertThat(metrics).hasSize(1 + 3);
        assertThat(metrics.get(0)).endsWith(",mlpMillis,promptRound");
        assertThat(metrics.get(3)).startsWith("3,120,4,");
        for (int round = 1; round <= 3; round++) {
            // the round whose candidate is the current prompt: a past round, never a later one
            int promptRound = Integer.parseInt(metrics.get(round).substring(metrics.get(round).lastIndexOf(',') + 1));
            assertThat(promptRound).isBetween(1, round);
        }
        long artefact;
        try (Stream<Path> files = Files.list(out.resolve("tuned"))) {
            artefact = files.mapToLong(f -> f.toFile().length()).sum();
        }
        assertThat(report.get("artefactBytes").asLong()).isEqualTo(artefact).isPositive();
        assertThat(out.resolve("tuned/prompt.tensor")).exists();
        assertThat(out.resolve("tuned/refiner.tensors")).exists();
        assertThat(javax.imageio.ImageIO.read(out.resolve("accuracy-vs-queries.png").toFile()).getWidth()).isEqualTo(900);
        JsonNode config = JSON.readTree(out.resolve("config.json").toFile());
        // the default preset; below 4 shots it searches one prompt, and the refit needs 4 shots too
        assertThat(config.get("settings").get("preset").asString()).isEqualTo("craft+views");
        assertThat(config.get("settings").get("refiner").get("views").asInt()).isEqualTo(1);
        assertThat(config.get("method").asString()).isEqualTo("craft");
    }

    @Test
    void finalRefitSpendsNoQueryIsRecordedAndIsMadeAgainWhenAFinishedRunIsResumed() throws Exception {
        String key = "refit-key-0006";
        Path plain = work.resolve("run-no-refit");
        Path refit = work.resolve("run-refit");
        long start = usage(key);
        assertThat(tune(key, "craft", 80, 4, plain, "--preset", "paper").exitCode()).isZero();
        long plainCharged = usage(key) - start;
        Cli.Outcome outcome = tune(key, "craft", 80, 4, refit, "--preset", "paper", "--final-refit", "cv");
        assertThat(outcome.exitCode()).as(outcome.err()).isZero();
        long refitCharged = usage(key) - start - plainCharged;

        JsonNode without = JSON.readTree(plain.resolve("report.json").toFile());
        JsonNode with = JSON.readTree(refit.resolve("report.json").toFile());
        assertThat(with.get("trainQueries").asLong()).isEqualTo(without.get("trainQueries").asLong()).isEqualTo(80);
        assertThat(with.get("evalQueries").asLong()).isEqualTo(without.get("evalQueries").asLong()).isEqualTo(2);
        assertThat(refitCharged).isEqualTo(plainCharged).isEqualTo(82);
        assertThat(without.get("finalRefit").isNull()).isTrue();
        assertThat(JSON.readTree(plain.resolve("config.json").toFile()).get("settings").get("finalRefit").asString())
                .isEqualTo("none");
        assertThat(JSON.readTree(refit.resolve("config.json").toFile()).get("settings").get("finalRefit").asString())
                .isEqualTo("cv");

        JsonNode chosen = with.get("finalRefit");
        int epochs = chosen.get("epochs").asInt();
        // 4 shots of 3 classes: 12 samples in 4 folds
        assertThat(chosen.get("folds").asInt()).isEqualTo(4);
        assertThat(fieldNames(chosen.get("cvAccuracy"))).containsExactly("0", "10", "25", "50", "100", "200", "400");
        assertThat(fieldNames(chosen.get("cvCrossEntropy"))).containsExactly("0", "10", "25", "50", "100", "200", "400");
        double best = 0;
        for (String epochCount : fieldNames(chosen.get("cvAccuracy"))) {
            best = Math.max(best, chosen.get("cvAccuracy").get(epochCount).asDouble());
        }
        assertThat(chosen.get("cvAccuracy").get(Integer.toString(epochs)).asDouble()).isEqualTo(best);
        assertThat(chosen.get("cpuSeconds").asDouble()).isPositive();
        // The diagnostic is exactly what the run without the refit reported: same loop, same test logits.
        assertThat(chosen.get("loopTestAccuracy").asDouble()).isEqualTo(without.get("testAccuracy").asDouble());
        // The refit comes after the search: same prompt; the network is the refit's (none for 0 epochs).
        assertThat(Files.readAllBytes(refit.resolve("tuned/prompt.tensor")))
                .isEqualTo(Files.readAllBytes(plain.resolve("tuned/prompt.tensor")));
        assertThat(Files.exists(refit.resolve("tuned/refiner.tensors"))).isEqualTo(epochs > 0);
        assertThat(JSON.readTree(refit.resolve("tuned/tuned.json").toFile()).get("refiner").isNull())
                .isEqualTo(epochs == 0);
        if (epochs > 0) {
            assertThat(Files.readAllBytes(refit.resolve("tuned/refiner.tensors")))
                    .isNotEqualTo(Files.readAllBytes(plain.resolve("tuned/refiner.tensors")));
        }

        // The artefact is what the final evaluation used: craft eval on the same test images agrees.
        Cli.Outcome eval = Cli.run("eval", "--service", service.url().toString(), "--api-key", key,
                "--model", refit.resolve("tuned").toString(), "--dataset", dataset.toString(),
                "--upload-cache", work.resolve("upload-cache-" + key + ".json").toString());
        assertThat(eval.exitCode()).as(eval.err()).isZero();
        // (craft eval prints 6 decimals)
        assertThat(JSON.readTree(eval.out()).get("accuracy").asDouble())
                .isCloseTo(with.get("testAccuracy").asDouble(), within(1e-6));

        // A crash after the last checkpoint, before the report: the resumed run refits again, for free.
        byte[] refiner = epochs > 0 ? Files.readAllBytes(refit.resolve("tuned/refiner.tensors")) : null;
        Files.delete(refit.resolve("report.json"));
        try (Stream<Path> files = Files.list(refit.resolve("tuned"))) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        long beforeResume = usage(key);
        Cli.Outcome resumed = tune(key, "craft", 80, 4, refit, "--preset", "paper", "--final-refit", "cv", "--resume");
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(usage(key)).isEqualTo(beforeResume);
        JsonNode again = JSON.readTree(refit.resolve("report.json").toFile());
        assertThat(again.get("testAccuracy").asDouble()).isEqualTo(with.get("testAccuracy").asDouble());
        assertThat(again.get("finalRefit").get("epochs").asInt()).isEqualTo(epochs);
        assertThat(again.get("finalRefit").get("cvAccuracy")).isEqualTo(chosen.get("cvAccuracy"));
        assertThat(again.get("finalRefit").get("cvCrossEntropy")).isEqualTo(chosen.get("cvCrossEntropy"));
        // The final evaluation ran before the crash; the resumed session cannot know the loop network's accuracy.
        assertThat(again.get("finalRefit").get("loopTestAccuracy").isNull()).isTrue();
        if (refiner != null) {
            assertThat(Files.readAllBytes(refit.resolve("tuned/refiner.tensors"))).isEqualTo(refiner);
        } else {
            assertThat(refit.resolve("tuned/refiner.tensors")).doesNotExist();
        }

        // The refit is part of the run's settings: resuming without it is refused.
        Cli.Outcome other = tune(key, "craft", 80, 4, refit, "--preset", "paper", "--resume");
        assertThat(other.exitCode()).isNotZero();
        assertThat(other.err()).contains("final-refit: cv vs none").doesNotContain("settings (preset");
    }

    @Test
    void consistencyRefitSpendsNoQueryAndRecordsItsWholeGrid() throws Exception {
        String key = "refit-key-0006";
        Path plain = work.resolve("run-no-refit-kl");
        Path refit = work.resolve("run-refit-kl");
        assertThat(tune(key, "craft", 80, 4, plain, "--preset", "paper").exitCode()).isZero();
        long start = usage(key);
        Cli.Outcome outcome = tune(key, "craft", 80, 4, refit, "--preset", "paper", "--final-refit", "cv-kl");
        assertThat(outcome.exitCode()).as(outcome.err()).isZero();
        assertThat(usage(key) - start).isEqualTo(82);

        JsonNode chosen = JSON.readTree(refit.resolve("report.json").toFile()).get("finalRefit");
        // 0 epochs once, then 6 epoch counts for each of the 5 weights
        JsonNode grid = chosen.get("grid");
        assertThat(grid.size()).isEqualTo(1 + 6 * 5);
        double lowest = Double.MAX_VALUE;
        JsonNode winner = null;
        for (JsonNode entry : grid) {
            if (entry.get("crossEntropy").asDouble() < lowest) {
                lowest = entry.get("crossEntropy").asDouble();
                winner = entry;
            }
        }
        assertThat(chosen.get("epochs").asInt()).isEqualTo(winner.get("epochs").asInt());
        assertThat(chosen.get("klWeight").asDouble()).isEqualTo(
                winner.get("epochs").asInt() == 0 ? 0.0 : winner.get("klWeight").asDouble());
        assertThat(chosen.get("loopTestAccuracy").asDouble())
                .isEqualTo(JSON.readTree(plain.resolve("report.json").toFile()).get("testAccuracy").asDouble());
    }

    @Test
    void craftPlusScoresPromptsByLdaAndKeepsTheLoopsNetworkBelowFourShots() throws Exception {
        String key = "plus-key-0007";
        Path paper = work.resolve("run-paper-2shot");
        Path plus = work.resolve("run-plus-2shot");
        assertThat(tune(key, "craft", 80, paper, "--preset", "paper").exitCode()).isZero();
        Cli.Outcome outcome = tune(key, "craft", 80, plus, "--preset", "craft+");
        assertThat(outcome.exitCode()).as(outcome.err()).isZero();

        JsonNode settings = JSON.readTree(plus.resolve("config.json").toFile()).get("settings");
        assertThat(settings.get("preset").asString()).isEqualTo("craft+");
        assertThat(settings.get("promptFitness").asString()).isEqualTo("lda");
        assertThat(settings.get("finalRefit").asString()).isEqualTo("cv-kl");
        JsonNode report = JSON.readTree(plus.resolve("report.json").toFile());
        assertThat(report.get("trainQueries").asLong()).isEqualTo(80);
        // 2 shots per class: below the refit's 4, the loop's network stays
        assertThat(report.get("finalRefit").isNull()).isTrue();
        assertThat(plus.resolve("tuned/refiner.tensors")).exists();
        // the fitness is another function of the same first candidates (same seed): the curves differ
        List<String> paperRows = Files.readAllLines(paper.resolve("metrics.csv"));
        List<String> plusRows = Files.readAllLines(plus.resolve("metrics.csv"));
        assertThat(plusRows).hasSameSizeAs(paperRows);
        assertThat(plusRows.get(1).split(",")[3]).isNotEqualTo(paperRows.get(1).split(",")[3]);
        assertThat(Double.parseDouble(plusRows.get(1).split(",")[3])).isFinite().isPositive();
    }

    @Test
    void viewsSplitTheBudgetIntoStagesAndTheArtefactPaysOneQueryPerView() throws Exception {
        String key = "views-key-0008";
        Path out = work.resolve("run-views");
        long start = usage(key);
        // 4 rounds of 40: rounds 1-2 search the first prompt, rounds 3-4 the second
        Cli.Outcome outcome = tune(key, "craft", 160, 4, out, "--preset", "craft+", "--views", "2");
        assertThat(outcome.exitCode()).as(outcome.err()).isZero();

        JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
        assertThat(report.get("trainQueries").asLong()).isEqualTo(160);
        // zero-shot, then the final evaluation: the first view's test logits and the second's
        assertThat(report.get("evalQueries").asLong()).isEqualTo(3);
        assertThat(usage(key) - start).isEqualTo(163);
        assertThat(JSON.readTree(out.resolve("config.json").toFile()).get("settings").get("refiner").get("views")
                .asInt()).isEqualTo(2);
        assertThat(out.resolve("checkpoint/view-logits-0.tensor")).exists();
        List<String> metrics = Files.readAllLines(out.resolve("metrics.csv"));
        int lastPromptRound = Integer.parseInt(metrics.get(4).substring(metrics.get(4).lastIndexOf(',') + 1));
        assertThat(lastPromptRound).as("the final prompt comes from the second stage").isBetween(3, 4);

        TunedModel tuned = TunedModel.read(out.resolve("tuned"));
        assertThat(tuned.info().views()).isEqualTo(2);
        assertThat(tuned.info().refiner().views()).isEqualTo(2);
        assertThat(tuned.prompt(0)).isNotEqualTo(tuned.prompt(1));

        // the artefact reproduces the run's test accuracy with two queries: one per view
        long beforeEval = usage(key);
        Cli.Outcome eval = Cli.run("eval", "--service", service.url().toString(), "--api-key", key,
                "--model", out.resolve("tuned").toString(), "--dataset", dataset.toString(),
                "--upload-cache", work.resolve("upload-cache-" + key + ".json").toString());
        assertThat(eval.exitCode()).as(eval.err()).isZero();
        JsonNode result = JSON.readTree(eval.out());
        assertThat(result.get("accuracy").asDouble()).isCloseTo(report.get("testAccuracy").asDouble(), within(1e-6));
        assertThat(result.get("evalQueries").asInt()).isEqualTo(2);
        assertThat(usage(key) - beforeEval).isEqualTo(2);

        // pgpr has both modules and takes the views, two under the default preset (craft+views) unless told
        // otherwise; bbt has no refinement network to read them
        Path pgpr = work.resolve("run-views-pgpr");
        assertThat(tune(key, "pgpr", 160, 4, pgpr).exitCode()).isZero();
        assertThat(TunedModel.read(pgpr.resolve("tuned")).info().views()).isEqualTo(2);
        Path oneView = work.resolve("run-views-pgpr-1");
        assertThat(tune(key, "pgpr", 160, 4, oneView, "--views", "1").exitCode()).isZero();
        assertThat(TunedModel.read(oneView.resolve("tuned")).info().views()).isEqualTo(1);
        Path bbt = work.resolve("run-views-bbt");
        assertThat(tune(key, "bbt", 80, 4, bbt, "--views", "2").exitCode()).isZero();
        assertThat(TunedModel.read(bbt.resolve("tuned")).info().views()).isEqualTo(1);
        assertThat(JSON.readTree(bbt.resolve("report.json").toFile()).get("evalQueries").asLong()).isEqualTo(2);
        // below 4 shots no cross-validation can check a network on more logits: one prompt, said so
        Path twoShots = work.resolve("run-views-2shot");
        Cli.Outcome fewShots = tune(key, "craft", 80, 2, twoShots, "--preset", "craft+", "--views", "2");
        assertThat(fewShots.exitCode()).as(fewShots.err()).isZero();
        assertThat(TunedModel.read(twoShots.resolve("tuned")).info().views()).isEqualTo(1);
    }

    @Test
    void tunedArtefactEvaluatesOnASubsetOfClassesAndClassifiesImages() throws Exception {
        Path out = work.resolve("run-for-eval");
        assertThat(tune("eval-key-0004", "craft", 40, out).exitCode()).isZero();
        Path subset = TinyDataset.create(work.resolve("subset"), 2, 1, 3);
        long before = JSON.readTree(service.get("/v1/usage", "eval-key-0004")).get("queries").asLong();

        Cli.Outcome eval = Cli.run("eval", "--service", service.url().toString(), "--api-key", "eval-key-0004",
                "--model", out.resolve("tuned").toString(), "--dataset", subset.toString(),
                "--upload-cache", work.resolve("eval-uploads.json").toString());
        assertThat(eval.exitCode()).as(eval.err()).isZero();
        JsonNode result = JSON.readTree(eval.out());
        assertThat(result.get("images").asInt()).isEqualTo(6);
        assertThat(result.get("classes").asInt()).isEqualTo(2);
        assertThat(result.get("accuracy").asDouble()).isBetween(0.0, 1.0);

        Path image = subset.resolve("test/class_1/img0.png");
        Cli.Outcome classify = Cli.run("classify", "--service", service.url().toString(), "--api-key", "eval-key-0004",
                "--model", out.resolve("tuned").toString(), image.toString(), image.toString());
        assertThat(classify.exitCode()).as(classify.err()).isZero();
        List<String> lines = classify.out().strip().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith(image + "\tclass ").isEqualTo(lines.get(1));
        assertThat(JSON.readTree(service.get("/v1/usage", "eval-key-0004")).get("queries").asLong())
                .isEqualTo(before + 2);
        // eval and classify remove the class sets they created; only the tuning run's remains
        assertThat(JSON.readTree(service.get("/v1/classsets", "eval-key-0004")).size()).isEqualTo(1);

        Path foreign = TinyDataset.create(work.resolve("foreign"), 1, 1, 1);
        Files.move(foreign.resolve("test/class_0"), foreign.resolve("test/zebra"));
        Files.move(foreign.resolve("train/class_0"), foreign.resolve("train/zebra"));
        Cli.Outcome unknown = Cli.run("eval", "--service", service.url().toString(), "--api-key", "eval-key-0004",
                "--model", out.resolve("tuned").toString(), "--dataset", foreign.toString());
        assertThat(unknown.exitCode()).isNotZero();
        assertThat(unknown.err()).contains("class 'zebra' of the dataset is not among the tuned model's 3 classes");
    }

    @Test
    void benchRunsTheGridAndSummarisesAndPlotsIt() throws Exception {
        Path bench = work.resolve("bench");
        Cli.Outcome outcome = Cli.run("bench", "--service", service.url().toString(), "--api-key", "bench-key-0005",
                "--dataset", dataset.toString(), "--methods", "zs,bbt", "--shots", "1,2", "--seeds", "1,2",
                "--budget", "40", "--out", bench.toString(), "--quiet", "--final-refit", "cv",
                "--upload-cache", work.resolve("bench-uploads.json").toString());
        assertThat(outcome.exitCode()).as(outcome.err()).isZero();
        List<String> csv = Files.readAllLines(bench.resolve("summary.csv"));
        assertThat(csv).hasSize(1 + 2 * 2 * 2);
        // recorded for every cell; zs and bbt have no refinement network to refit
        assertThat(csv.get(0)).endsWith(",finalRefitEpochs");
        assertThat(csv.subList(1, csv.size())).allSatisfy(row -> assertThat(row).endsWith(","));
        Path cell = bench.resolve("bbt-2shot-seed1");
        assertThat(JSON.readTree(cell.resolve("config.json").toFile()).get("settings").get("finalRefit").asString())
                .isEqualTo("cv");
        assertThat(JSON.readTree(cell.resolve("report.json").toFile()).get("finalRefit").isNull()).isTrue();
        String table = Files.readString(bench.resolve("summary.md"));
        assertThat(table).contains("| ZS |", "| BBT |", "| 1 shot | 2 shots |");
        long charged = JSON.readTree(service.get("/v1/usage", "bench-key-0005")).get("queries").asLong();
        // zs: 1 evaluation query per cell; bbt: 40 training + zero-shot + final evaluation per cell
        assertThat(charged).isEqualTo(4 * 1 + 4 * (40 + 2));

        Path png = work.resolve("shots.png");
        Cli.Outcome plot = Cli.run("plot", "shots", "--bench", bench.toString(), "--out", png.toString());
        assertThat(plot.exitCode()).as(plot.err()).isZero();
        assertThat(javax.imageio.ImageIO.read(png.toFile())).isNotNull();
    }

    @Test
    void baselinesCostWhatTheirDefinitionsSay() throws Exception {
        long before = JSON.readTree(service.get("/v1/usage", "small-key-0003")).get("queries").asLong();
        assertThat(tune("small-key-0003", "zs", 0, work.resolve("run-zs")).exitCode()).isZero();
        // zero-shot uploads only the test images
        assertThat(JSON.readTree(service.get("/v1/datasets", "small-key-0003")).size()).isEqualTo(1);
        assertThat(tune("small-key-0003", "pr", 80, work.resolve("run-pr")).exitCode()).isZero();
        JsonNode zs = JSON.readTree(work.resolve("run-zs/report.json").toFile());
        JsonNode pr = JSON.readTree(work.resolve("run-pr/report.json").toFile());
        assertThat(zs.get("trainQueries").asLong()).isZero();
        assertThat(zs.get("evalQueries").asLong()).isEqualTo(1);
        assertThat(zs.get("testAccuracy").asDouble()).isEqualTo(zs.get("zeroShotAccuracy").asDouble());
        assertThat(pr.get("trainQueries").asLong()).isEqualTo(1);
        assertThat(pr.get("evalQueries").asLong()).isEqualTo(2);
        assertThat(work.resolve("run-zs/tuned/refiner.tensors")).doesNotExist();

        // The distribution-mean option pays one extra query per round: 82 = 2 rounds of 40 + 1.
        assertThat(tune("small-key-0003", "craft", 82, work.resolve("run-mean"), "--current", "mean").exitCode()).isZero();
        JsonNode mean = JSON.readTree(work.resolve("run-mean/report.json").toFile());
        assertThat(mean.get("trainQueries").asLong()).isEqualTo(82);
        assertThat(mean.get("evalQueries").asLong()).isEqualTo(2);
        long after = JSON.readTree(service.get("/v1/usage", "small-key-0003")).get("queries").asLong();
        assertThat(after - before).isEqualTo(1 + 1 + 2 + 82 + 2);
    }

    @Test
    void bbtSpendsTheWholeBudgetAndRepeatedRunsDoNotUploadAgain() throws Exception {
        assertThat(tune("bbt-key-0002", "bbt", 80, work.resolve("run-bbt-1")).exitCode()).isZero();
        int datasets = JSON.readTree(service.get("/v1/datasets", "bbt-key-0002")).size();
        assertThat(tune("bbt-key-0002", "bbt", 80, work.resolve("run-bbt-2")).exitCode()).isZero();
        assertThat(JSON.readTree(service.get("/v1/datasets", "bbt-key-0002")).size()).isEqualTo(datasets).isEqualTo(2);
        JsonNode first = JSON.readTree(work.resolve("run-bbt-1/report.json").toFile());
        JsonNode second = JSON.readTree(work.resolve("run-bbt-2/report.json").toFile());
        assertThat(first.get("trainQueries").asLong()).isEqualTo(80);
        assertThat(second.get("testAccuracy").asDouble()).isEqualTo(first.get("testAccuracy").asDouble());
        assertThat(work.resolve("run-bbt-1/tuned/refiner.tensors")).doesNotExist();

        // An artefact with a prompt and no network (also what a final refit that chose 0 epochs writes)
        // evaluates with the raw logits.
        Cli.Outcome eval = Cli.run("eval", "--service", service.url().toString(), "--api-key", "bbt-key-0002",
                "--model", work.resolve("run-bbt-1/tuned").toString(), "--dataset", dataset.toString(),
                "--upload-cache", work.resolve("upload-cache-bbt-key-0002.json").toString());
        assertThat(eval.exitCode()).as(eval.err()).isZero();
        assertThat(JSON.readTree(eval.out()).get("accuracy").asDouble())
                .isCloseTo(first.get("testAccuracy").asDouble(), within(1e-6));
    }

    private Cli.Outcome tune(String key, String method, long budget, Path out, String... extra) {
        return tune(key, method, budget, 2, out, extra);
    }

    private Cli.Outcome tune(String key, String method, long budget, int shots, Path out, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("tune", "--service", service.url().toString(),
                "--api-key", key, "--dataset", dataset.toString(), "--shots", Integer.toString(shots), "--seed", "7",
                "--method", method, "--budget", Long.toString(budget), "--out", out.toString(), "--quiet",
                "--upload-cache", work.resolve("upload-cache-" + key + ".json").toString()));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    private static long usage(String key) throws Exception {
        return JSON.readTree(service.get("/v1/usage", key)).get("queries").asLong();
    }

    private long prometheusQueries(String tenant) throws Exception {
        String text = service.get("/actuator/prometheus", null);
        Matcher m = Pattern.compile("^vlm_queries_total\\{[^}]*tenant=\"" + tenant + "\"[^}]*\\}\\s+(\\S+)$",
                Pattern.MULTILINE).matcher(text);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return (long) total;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.propertyNames().forEach(names::add);
        return names;
    }
}
