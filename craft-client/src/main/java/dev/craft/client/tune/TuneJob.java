package dev.craft.client.tune;

import dev.craft.api.ClassSetInfo;
import dev.craft.api.ModelInfo;
import dev.craft.client.DjlRuntime;
import dev.craft.client.bench.BenchPlots;
import dev.craft.client.bench.RunCurve;
import dev.craft.client.data.DatasetLoader;
import dev.craft.client.data.FewShotSampler;
import dev.craft.client.data.LabeledImage;
import dev.craft.client.data.TaskData;
import dev.craft.client.refine.CrossValidatedRefit;
import dev.craft.client.refine.RefinerConfig;
import dev.craft.client.service.UploadCache;
import dev.craft.client.service.VlmClient;
import dev.craft.client.service.VlmClientConfig;
import dev.craft.client.tuned.TunedModel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * One {@code craft tune}: load and sample the data, upload it once, create the class set, then train
 * (or resume) and write the report and the tuned artefact.
 */
public final class TuneJob {

    private final Consumer<String> log;
    private final QueryMode queryMode;
    private final RequestStats requests = new RequestStats();

    public TuneJob(Consumer<String> log) {
        this(log, QueryMode.BATCHED);
    }

    /** @param queryMode how queries travel; {@link QueryMode#PER_PROMPT_JSON} is for benchmarks only */
    public TuneJob(Consumer<String> log, QueryMode queryMode) {
        this.log = log;
        this.queryMode = queryMode;
    }

    /** The predict requests this job sent so far, and the prompts in them. */
    public RequestStats requests() {
        return requests;
    }

    public TuneReport run(TuneRequest request, ProgressListener progress) throws IOException {
        validate(request);
        DjlRuntime.configure();
        TaskData data = DatasetLoader.load(request.dataset(), request.split());
        if (data.classCount() < 2) {
            throw new TuneException("the dataset has " + data.classCount() + " class; tuning needs at least 2");
        }
        List<LabeledImage> train = FewShotSampler.sample(data.train(), request.shots(), request.seed(), log);
        RunDirectory resumed = request.resume() ? RunDirectory.open(request.out()) : null;
        VlmClient client = new VlmClient(VlmClientConfig.of(request.service(), request.apiKey()).withRetry(request.retry()));
        ModelInfo model = client.model();
        TuneConfig config;
        RunDirectory dir;
        if (resumed != null) {
            dir = resumed;
            config = dir.readConfig();
            String template = request.template() == null ? config.template() : request.template();
            TuneConfig asked = configure(request, data, model, config.classSetId(), config.promptSize(), template,
                    config.trainDatasetId(), config.testDatasetId());
            List<String> differences = config.differencesFrom(asked);
            if (!differences.isEmpty()) {
                throw new TuneException("the run in " + request.out() + " was started with other settings ("
                        + String.join("; ", differences) + "); resume it with the same command line");
            }
            boolean trainGone = config.trainDatasetId() != null && !client.datasetExists(config.trainDatasetId());
            if (trainGone || !client.datasetExists(config.testDatasetId())) {
                throw new TuneException("the run's datasets are no longer on the service; it cannot be resumed "
                        + "without spending its queries again");
            }
            log.accept("resuming run " + config.runId() + " in " + request.out());
        } else {
            long uploadStart = System.nanoTime();
            UploadCache cache = request.uploadCache() == null ? UploadCache.atDefaultLocation()
                    : new UploadCache(request.uploadCache());
            // Zero-shot never queries the training images, so they are not uploaded.
            String trainId = request.method() == Method.ZS ? null : cache.uploadOnce(client, files(train));
            String testId = cache.uploadOnce(client, files(data.test()));
            ClassSetInfo classSet = client.createClassSet(data.classNames(), request.template());
            config = configure(request, data, model, classSet.classSetId(), classSet.contextTokens() * classSet.tokenDim(),
                    classSet.template(), trainId, testId);
            dir = RunDirectory.create(request.out(), config);
            log.accept(String.format(Locale.ROOT, "upload: %d training and %d test images and the class set in %.1f s",
                    train.size(), data.test().size(), (System.nanoTime() - uploadStart) / 1e9));
        }
        int promptSize = config.promptSize();
        UploadedTask task = new UploadedTask(config.trainDatasetId(), labels(train), config.testDatasetId(),
                labels(data.test()), data.classCount());
        CollaborativeTrainer.Result result = new CollaborativeTrainer(config, task,
                queryMode.open(client, config.classSetId(), promptSize, data.classCount(), requests), dir, progress).run();
        if (result.finalRefit() != null) {
            TuneReport.Refit refit = result.finalRefit();
            String weight = refit.klWeight() == null || refit.epochs() == 0 ? ""
                    : String.format(Locale.ROOT, " with consistency weight %s", refit.klWeight());
            log.accept(String.format(Locale.ROOT, "final refit: %s (cross-validated accuracy %.4f, cross-entropy "
                            + "%.4f over %d folds, %.1f s CPU)", refit.epochs() == 0 ? "no refinement network (0 epochs)"
                            : "a fresh refinement network trained " + refit.epochs() + " epochs" + weight,
                    refit.cvAccuracy().get(refit.epochs()), refit.cvCrossEntropy().get(refit.epochs()), refit.folds(),
                    refit.cpuSeconds()));
        }
        log.accept(String.format(Locale.ROOT, "rounds: %d rounds, %d training queries in %.1f s, of which test "
                        + "evaluation %.1f s (%d evaluation queries)", config.rounds(), result.trainQueries(),
                result.wallSeconds(), result.evaluationSeconds(), result.evalQueries()));
        if (result.replayedQueries() > 0) {
            log.accept(result.replayedQueries() + " queries of an interrupted round were answered again without charge");
        }

        TunedModel.Info info = new TunedModel.Info(model.modelId(), config.method().id(), config.settings().preset().id(),
                config.template(), data.classNames(), promptSize / model.tokenWidth(), model.tokenWidth(),
                result.refiner() == null ? null : result.refiner().config(), result.prompts().size());
        long artefactBytes = TunedModel.write(dir.tuned(), info, result.prompts(), result.refiner());
        TuneReport report = new TuneReport(config.method().id(), config.dataset(), config.shots(), config.seed(),
                config.budget(), result.trainQueries(), result.evalQueries(), result.zeroShotAccuracy(),
                result.testAccuracy(), result.wallSeconds(), artefactBytes, result.finalRefit());
        dir.writeReport(report);
        if (config.rounds() > 0) {
            BenchPlots.writePng(BenchPlots.queries(List.of(RunCurve.load(dir.root())),
                    "Test accuracy against training queries"), dir.root().resolve("accuracy-vs-queries.png"), 900, 560);
        }
        return report;
    }

    /** Checks a request's options without touching the dataset or the service (craft bench checks every cell first). */
    public static void validate(TuneRequest request) {
        if (request.shots() < 1) {
            throw new TuneException("--shots must be at least 1");
        }
        if (request.budget() < 0) {
            throw new TuneException("--budget must not be negative");
        }
        int perRound = queriesPerRound(request);
        if (request.method().searchesPrompt() && request.budget() < perRound) {
            throw new TuneException("--budget " + request.budget() + " is below one CMA-ES generation (" + perRound
                    + " queries" + (perRound > TuneSettings.POPSIZE ? " with --current mean" : "") + "); give at least "
                    + perRound);
        }
        if (request.evalEvery() < 0) {
            throw new TuneException("--eval-every must not be negative");
        }
        if (request.views() != null && request.views() < 1) {
            throw new TuneException("--views must be at least 1");
        }
        if (readsViews(request.method()) && request.views() != null && request.budget() / perRound < request.views()) {
            throw new TuneException("--views " + request.views() + " needs at least one CMA-ES generation per view: "
                    + "give --budget at least " + (long) request.views() * perRound);
        }
        if (request.method() == Method.PR && request.budget() < 1) {
            throw new TuneException("--budget must be at least 1 for pr (one query on the training set)");
        }
        if (!"best".equals(request.currentPrompt()) && !"mean".equals(request.currentPrompt())) {
            throw new TuneException("--current must be best or mean");
        }
    }

    private TuneConfig configure(TuneRequest request, TaskData data, ModelInfo model, String classSetId, int promptSize,
                                 String template, String trainId, String testId) {
        String datasetName = request.split() != null ? request.split().getFileName().toString()
                : request.dataset().toAbsolutePath().normalize().getFileName().toString();
        DatasetProfile profile = DatasetProfile.recognise(datasetName);
        TuneSettings settings = request.preset().settings(profile, data.classCount());
        RefinerConfig refiner = settings.refiner();
        if (request.linear()) {
            refiner = refiner.asLinear();
        }
        if (request.residual() != null) {
            refiner = refiner.withResidual(request.residual());
        }
        settings = settings.withRefiner(refiner.withViews(viewsFor(request, settings.views())));
        if (request.finalRefit() != null) {
            settings = settings.withFinalRefit(request.finalRefit());
        }
        settings = request.consistency().applyTo(settings);
        Path given = request.split() != null ? request.split() : request.dataset();
        String dataset = given.toAbsolutePath().normalize().toString();
        return new TuneConfig(UUID.randomUUID().toString(), request.method(), dataset, profile, request.shots(),
                request.seed(), request.budget(), request.evalEvery(), request.currentPrompt(), request.service().toString(),
                model.modelId(), template, data.classNames(), promptSize,
                settings.projectionStd(model.tokenEmbeddingStd()), settings, classSetId, trainId, testId);
    }

    /**
     * The views a run uses: those asked for (else the preset's) for pgpr and craft, at most one per
     * CMA-ES generation; 1 for the other methods and below {@link CrossValidatedRefit#DEFAULT_FOLDS}
     * shots, where no cross-validation can tell whether a network on more logits only overfits
     * (docs/ablation-views.md measured 1 shot).
     */
    private int viewsFor(TuneRequest request, int presetViews) {
        int asked = request.views() != null ? request.views() : presetViews;
        if (!readsViews(request.method()) || asked == 1) {
            return 1;
        }
        if (request.shots() < CrossValidatedRefit.DEFAULT_FOLDS) {
            log.accept("note: " + asked + " views need at least " + CrossValidatedRefit.DEFAULT_FOLDS
                    + " shots per class; this " + request.shots() + "-shot run searches one prompt");
            return 1;
        }
        return (int) Math.max(1, Math.min(asked, request.budget() / queriesPerRound(request)));
    }

    /** Whether a method can have several views: it needs both the prompt search and the refinement network. */
    private static boolean readsViews(Method method) {
        return method.searchesPrompt() && method.refines();
    }

    /** Training queries one round of the request costs (as {@link TuneConfig#queriesPerRound()} once configured). */
    private static int queriesPerRound(TuneRequest request) {
        return TuneSettings.POPSIZE + ("mean".equals(request.currentPrompt()) ? 1 : 0);
    }

    private static List<Path> files(List<LabeledImage> images) {
        return images.stream().map(LabeledImage::file).toList();
    }

    private static int[] labels(List<LabeledImage> images) {
        return images.stream().mapToInt(LabeledImage::label).toArray();
    }
}
