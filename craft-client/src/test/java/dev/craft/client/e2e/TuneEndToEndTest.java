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
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

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
                        + "eval:eval-key-0004:100000,bench:bench-key-0005:100000");
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
                "evalQueries", "zeroShotAccuracy", "testAccuracy", "wallSeconds", "artefactBytes");
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
        assertThat(config.get("settings").get("preset").asString()).isEqualTo("paper");
        assertThat(config.get("method").asString()).isEqualTo("craft");
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
                "--budget", "40", "--out", bench.toString(), "--quiet",
                "--upload-cache", work.resolve("bench-uploads.json").toString());
        assertThat(outcome.exitCode()).as(outcome.err()).isZero();
        List<String> csv = Files.readAllLines(bench.resolve("summary.csv"));
        assertThat(csv).hasSize(1 + 2 * 2 * 2);
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
    }

    private Cli.Outcome tune(String key, String method, long budget, Path out, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("tune", "--service", service.url().toString(),
                "--api-key", key, "--dataset", dataset.toString(), "--shots", "2", "--seed", "7",
                "--method", method, "--budget", Long.toString(budget), "--out", out.toString(), "--quiet",
                "--upload-cache", work.resolve("upload-cache-" + key + ".json").toString()));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
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
