package dev.craft.client.perf;

import dev.craft.api.ModelInfo;
import dev.craft.client.data.DatasetLoader;
import dev.craft.client.data.FewShotSampler;
import dev.craft.client.data.TaskData;
import dev.craft.client.service.RetryPolicy;
import dev.craft.client.service.VlmClient;
import dev.craft.client.service.VlmClientConfig;
import dev.craft.client.tune.Method;
import dev.craft.client.tune.Preset;
import dev.craft.client.tune.ProgressListener;
import dev.craft.client.tune.QueryMode;
import dev.craft.client.tune.RoundMetrics;
import dev.craft.client.tune.RoundTiming;
import dev.craft.client.tune.TuneConfig;
import dev.craft.client.tune.TuneJob;
import dev.craft.client.tune.TuneReport;
import dev.craft.client.tune.TuneRequest;
import dev.craft.client.tune.TuneSettings;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * {@code craft bench-perf}: three CraFT runs against a running service, in one process.
 * <ol>
 *   <li>round profile: {@code warmup + rounds + 1} rounds with the production client; the warm-up
 *       rounds and the last one (which also evaluates on the test set) are left out of the average;</li>
 *   <li>production: a full run of {@code budget} training queries, batched binary requests;</li>
 *   <li>reference style: the same run with one JSON request per candidate.</li>
 * </ol>
 * Runs 2 and 3 use the same seed and settings, so they must learn the same; the report says whether
 * they did. The runs stay in {@code workDir} for inspection.
 */
public final class BenchPerf {

    /**
     * @param modelBundle a copy of the served bundle to count the model's parameters from; null to rely on
     *                    the service
     */
    public record Settings(URI service, String apiKey, RetryPolicy retry, Path dataset, Path split, Path uploadCache,
                           int shots, long seed, long budget, int rounds, int warmupRounds, Preset preset,
                           Path workDir, Path modelBundle) {
    }

    private final Settings settings;
    private final Consumer<String> log;

    public BenchPerf(Settings settings, Consumer<String> log) {
        this.settings = settings;
        this.log = log;
    }

    public PerfReport run() throws IOException {
        validate();
        MachineInfo machine = MachineInfo.current();
        VlmClient client = new VlmClient(VlmClientConfig.of(settings.service(), settings.apiKey())
                .withRetry(settings.retry()));
        ModelInfo model = client.model();
        JsonNode modelDocument = client.modelDocument();
        ModelFootprint footprint = settings.modelBundle() == null ? null : ModelFootprint.of(settings.modelBundle());

        TaskData data = DatasetLoader.load(settings.dataset(), settings.split());
        int trainImages = FewShotSampler.sample(data.train(), settings.shots(), settings.seed(), message -> {
        }).size();

        int perRound = TuneSettings.POPSIZE;
        long profileBudget = (long) perRound * (settings.warmupRounds() + settings.rounds() + 1);
        log.accept(String.format(Locale.ROOT, "bench-perf: round profile, %d rounds (%d warm-up + %d measured + 1 "
                + "evaluated), %d training queries", settings.warmupRounds() + settings.rounds() + 1,
                settings.warmupRounds(), settings.rounds(), profileBudget));
        Timed profile = tune(client, "round-profile", QueryMode.BATCHED, profileBudget);
        List<RoundTiming> measured = profile.timings().subList(0, profile.timings().size() - 1);
        RoundProfile round = RoundProfile.of(measured, settings.warmupRounds());

        log.accept("bench-perf: production run, " + settings.budget() + " training queries, batched binary requests");
        Timed production = tune(client, "production", QueryMode.BATCHED, settings.budget());
        log.accept("bench-perf: reference-style run, " + settings.budget()
                + " training queries, one JSON request per candidate");
        Timed reference = tune(client, "reference-style", QueryMode.PER_PROMPT_JSON, settings.budget());
        RunComparison same = RunComparison.of(production.dir(), reference.dir());
        PerfReport.EndToEnd endToEnd = new PerfReport.EndToEnd(settings.budget(), production.report().wallSeconds(),
                reference.report().wallSeconds(), reference.report().wallSeconds() / production.report().wallSeconds(),
                production.jobSeconds(), reference.jobSeconds(), production.report().testAccuracy(),
                reference.report().testAccuracy(),
                production.report().testAccuracy() == reference.report().testAccuracy(), same.identicalLearning(),
                same.samePrompt(), same.maxFitnessRelDiff(),
                new PerfReport.Requests(production.traffic(), reference.traffic()));

        PerfReport.Artefact artefact = artefact(production.dir().resolve("tuned"), footprint, modelDocument);
        TuneConfig config = dev.craft.client.tune.RunDirectory.open(production.dir()).readConfig();
        PerfReport.Setup setup = new PerfReport.Setup(Method.CRAFT.id(), settings.preset().id(), config.dataset(),
                settings.shots(), settings.seed(), data.classCount(), trainImages, data.test().size(), perRound,
                config.settings().intrinsicDim(), config.promptSize());
        return new PerfReport(settings.service().toString(), model.name(), model.modelId(), machine.finished(), setup,
                round, endToEnd, artefact);
    }

    private void validate() throws IOException {
        if (settings.rounds() < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1");
        }
        if (settings.warmupRounds() < 0) {
            throw new IllegalArgumentException("--warmup-rounds must not be negative");
        }
        if (settings.budget() < TuneSettings.POPSIZE) {
            throw new IllegalArgumentException("--budget " + settings.budget() + " is below one CMA-ES generation ("
                    + TuneSettings.POPSIZE + " queries)");
        }
        if (settings.shots() < 1) {
            throw new IllegalArgumentException("--shots must be at least 1");
        }
        if (Files.isDirectory(settings.workDir())) {
            try (Stream<Path> entries = Files.list(settings.workDir())) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException(settings.workDir() + " is not empty; choose another --work "
                            + "directory (bench-perf keeps its runs there)");
                }
            }
        }
    }

    /** One tuning run, its round timings, the requests it sent and what the service charged. */
    private record Timed(Path dir, TuneReport report, double jobSeconds, List<RoundTiming> timings,
                         PerfReport.Traffic traffic) {
    }

    private Timed tune(VlmClient client, String name, QueryMode mode, long budget) throws IOException {
        Path dir = settings.workDir().resolve(name);
        TuneRequest request = new TuneRequest(settings.service(), settings.apiKey(), settings.dataset(),
                settings.split(), settings.shots(), settings.seed(), Method.CRAFT, budget, dir, 0, settings.preset(),
                "best", false, null, null, false, settings.uploadCache(), settings.retry(), null, null, null);
        List<RoundTiming> timings = new ArrayList<>();
        ProgressListener listener = new ProgressListener() {
            private int lastTenth;

            @Override
            public void roundDone(RoundMetrics metrics, int rounds, long ignored) {
                int tenth = metrics.round() * 10 / rounds;
                if (tenth > lastTenth && rounds >= 10) {
                    lastTenth = tenth;
                    log.accept(String.format(Locale.ROOT, "  %s: round %d/%d, %d training queries, %.1f s", name,
                            metrics.round(), rounds, metrics.trainQueries(), metrics.elapsedMillis() / 1000.0));
                }
            }

            @Override
            public void roundTimed(RoundTiming timing) {
                timings.add(timing);
            }
        };
        long charged = client.usage().queries();
        TuneJob job = new TuneJob(log, mode);
        long start = System.nanoTime();
        TuneReport report = job.run(request, listener);
        double jobSeconds = (System.nanoTime() - start) / 1e9;
        charged = client.usage().queries() - charged;
        log.accept(String.format(Locale.ROOT, "  %s: test accuracy %.4f, %d + %d queries in %d requests, %.1f s",
                name, report.testAccuracy(), report.trainQueries(), report.evalQueries(), job.requests().requests(),
                report.wallSeconds()));
        return new Timed(dir, report, jobSeconds, timings,
                new PerfReport.Traffic(job.requests().requests(), job.requests().prompts(), charged));
    }

    static PerfReport.Artefact artefact(Path tuned, ModelFootprint footprint, JsonNode modelDocument) throws IOException {
        long total;
        try (Stream<Path> files = Files.list(tuned)) {
            total = files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
        long prompt = size(tuned.resolve("prompt.tensor"));
        long refiner = size(tuned.resolve("refiner.tensors"));
        Long parameters = null;
        Long fileBytes = null;
        String source = "unknown: no --model-bundle given and GET /v1/model reports no parameter count";
        List<ModelFootprint.Part> parts = List.of();
        Long reported = reportedParameters(modelDocument);
        if (footprint != null) {
            parameters = footprint.parameters();
            fileBytes = footprint.fileBytes();
            parts = footprint.parts();
            source = "counted in the bundle with DJL (encoders' named parameters + token-embedding table)"
                    + (reported == null ? "" : "; GET /v1/model reports " + reported);
        } else if (reported != null) {
            parameters = reported;
            source = "GET /v1/model";
        }
        Long modelBytes = parameters == null ? null : 4 * parameters;
        Double ratio = modelBytes == null ? null : total / (double) modelBytes;
        Double oneIn = modelBytes == null ? null : modelBytes / (double) total;
        return new PerfReport.Artefact(total, prompt, refiner, parameters, modelBytes, fileBytes, source, parts, ratio,
                oneIn);
    }

    /** A parameter count in the model document, if the service publishes one. */
    static Long reportedParameters(JsonNode model) {
        if (model == null) {
            return null;
        }
        for (String field : new String[] {"parameterCount", "parameters", "modelParameters"}) {
            JsonNode node = model.get(field);
            if (node != null && node.isIntegralNumber() && node.asLong() > 0) {
                return node.asLong();
            }
        }
        return null;
    }

    private static long size(Path file) throws IOException {
        return Files.isRegularFile(file) ? Files.size(file) : 0;
    }
}
