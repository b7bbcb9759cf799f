package dev.craft.client.tune;

import dev.craft.api.Tensor;
import dev.craft.client.cmaes.CmaesParameters;
import dev.craft.client.cmaes.CmaesState;
import dev.craft.client.cmaes.ThreadCpu;
import dev.craft.client.prompt.PromptProjection;
import dev.craft.client.refine.CrossValidatedRefit;
import dev.craft.client.refine.Losses;
import dev.craft.client.refine.RefinementMlp;
import dev.craft.client.refine.TrainLoss;
import dev.craft.client.refine.TrainStats;
import dev.craft.client.refine.ViewRows;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * CraFT's loop (ALGORITHM.md): per round one CMA-ES generation (lambda candidates, one batched
 * query), then one refinement epoch on the current prompt's logits; checkpointed after every round
 * (written while the next round runs, {@link CheckpointWriter}).
 * The baselines and ablations are the same loop with parts switched off ({@link Method}).
 *
 * <p>With {@link FinalRefit#CV} (or {@link FinalRefit#CV_KL}) the last round, after its epoch and
 * before its test evaluation, replaces the loop's network by a fresh one fitted on the final prompt's
 * training logits ({@link CrossValidatedRefit}); no query is spent. The refit is not checkpointed: it follows from
 * the seed and the checkpointed logits, so a run resumed after its last round makes it again.
 *
 * <p>With V views ({@code --views}, pgpr and craft) the rounds are split into V stages. Each stage
 * searches one prompt with its own projection and CMA-ES; at a stage's end its prompt is frozen and
 * the next stage's loop network reads one more view: the frozen prompts' logits beside the current
 * one's. craft scores each candidate together with the frozen views ({@link PromptFitness}), so it
 * searches for what the refinement network's input lacks; pgpr scores it on its own. With one view
 * the loop is the paper's.
 *
 * <p>Every request carries an idempotency key made of the run id, the round and its purpose, so a
 * resumed run that redoes an interrupted round is answered by the service without a second charge.
 */
public final class CollaborativeTrainer {

    private final TuneConfig config;
    private final UploadedTask task;
    private final BlackBox box;
    private final RunDirectory dir;
    private final ProgressListener progress;
    /** The current stage's projection (one per view; the first view's is seeded by the run seed). */
    private PromptProjection projection;
    private int projectionStage = -1;
    private final int k;
    private final PromptFitness promptFitness;
    /** Time spent on test evaluations in this session (they are not training; the demo prints it). */
    private long evaluationNanos;

    public CollaborativeTrainer(TuneConfig config, UploadedTask task, BlackBox box, RunDirectory dir,
                                ProgressListener progress) {
        this.config = config;
        this.task = task;
        this.box = box;
        this.dir = dir;
        this.progress = progress;
        this.k = task.classes();
        // LDA scores logits for the refinement network that decodes them; bbt has none and keeps CE.
        this.promptFitness = config.method().refines()
                ? config.settings().promptFitness().usableFor(task.trainLabels(), k) : PromptFitness.CE;
    }

    /** The number of prompts the final refinement network reads. */
    private int views() {
        return config.settings().views();
    }

    /** The search stage (0-based view index) that round {@code round} (0-based) belongs to. */
    private int stageOf(int round) {
        return (int) ((long) round * views() / config.rounds());
    }

    /** The seed of stage {@code stage}'s projection, CMA-ES and loop network; the run seed for the first. */
    private long stageSeed(int stage) {
        return stage == 0 ? config.seed() : config.seed() + 0x9E3779B97F4A7C15L * stage;
    }

    private PromptProjection projection(int stage) {
        if (stage != projectionStage) {
            projection = PromptProjection.gaussian(config.promptSize(), config.settings().intrinsicDim(),
                    config.projectionStd(), stageSeed(stage));
            projectionStage = stage;
        }
        return projection;
    }

    /** Runs (or resumes) the whole run and returns its final report fields except the artefact size. */
    public Result run() throws IOException {
        long sessionStart = System.nanoTime();
        Optional<RunCheckpoint> checkpoint = dir.loadCheckpoint();
        try (TrainingState state = checkpoint.isPresent() ? restore(checkpoint.get()) : fresh();
             CheckpointWriter writer = new CheckpointWriter(dir)) {
            QueryAccount account = new QueryAccount(config.budget(),
                    checkpoint.map(RunCheckpoint::trainQueries).orElse(0L),
                    checkpoint.map(RunCheckpoint::evalQueries).orElse(0L));
            dir.keepMetricsUpTo(state.round);
            if (Double.isNaN(state.zeroShotAccuracy)) {
                state.zeroShotAccuracy = accuracy(testLogits(new float[config.promptSize()], account, "zero-shot"),
                        task.testLabels());
            }
            if (state.currentLogits == null && !config.method().searchesPrompt() && config.method().refines()) {
                state.currentLogits = train(new float[config.promptSize()], 1, account, "template").logits();
            }
            int rounds = config.rounds();
            while (state.round < rounds) {
                long roundStart = System.nanoTime();
                if (config.method().searchesPrompt() && stageOf(state.round) > state.views.count()) {
                    startNextStage(state);
                }
                CmaesState.EigenTiming eigenBefore = eigenTiming(state);
                Round done = round(state, account, sessionStart);
                long checkpointStart = System.nanoTime();
                dir.appendMetrics(done.metrics());
                state.round++;
                CmaesState.EigenTiming eigenAtSave = eigenTiming(state);
                save(state, account, sessionStart, writer);
                long roundEnd = System.nanoTime();
                CmaesState.EigenTiming eigenAfter = eigenTiming(state);
                long waitAtSave = eigenAfter.waitNanos() - eigenAtSave.waitNanos();
                progress.roundDone(done.metrics(), rounds, config.budget());
                progress.roundTimed(new RoundTiming(done.metrics().round(), roundEnd - roundStart, done.queryNanos(),
                        done.cmaesNanos(), done.cmaesCpuNanos(),
                        eigenAfter.backgroundCpuNanos() - eigenBefore.backgroundCpuNanos(),
                        eigenAfter.backgroundDecompositions() - eigenBefore.backgroundDecompositions(),
                        eigenAfter.waitNanos() - eigenBefore.waitNanos(), waitAtSave,
                        done.fitnessNanos(), done.epochNanos(), roundEnd - checkpointStart - waitAtSave));
            }
            writer.finish();
            if (refitsAtTheEnd() && state.finalRefit == null) {
                // Resumed after the last round's checkpoint: its evaluation used this same refit.
                state.finalRefit = refit(state);
            }
            // The last round was evaluated; zero-shot has no rounds and its answer is the zero-shot one.
            double testAccuracy = rounds == 0 ? state.zeroShotAccuracy : state.lastTestAccuracy;
            long elapsed = state.elapsedBefore + (System.nanoTime() - sessionStart) / 1_000_000;
            RefinementMlp finalRefiner = finalRefiner(state);
            return new Result(account.trainQueries(), account.evalQueries(), state.zeroShotAccuracy, testAccuracy,
                    elapsed / 1000.0, prompts(state), finalRefiner == null ? null : finalRefiner.snapshot(),
                    account.replayed(), state.finalRefit == null ? null : refitReport(state.finalRefit,
                    state.loopTestAccuracy), evaluationNanos / 1e9);
        }
    }

    /**
     * Freezes the current prompt as a view and starts the next stage: a fresh CMA-ES on the next
     * projection and a fresh loop network reading one more view. Its logits are saved before any
     * checkpoint names the view.
     */
    private void startNextStage(TrainingState state) throws IOException {
        int frozen = state.views.count();
        state.views.add(new FrozenView(state.currentZ, projection(frozen).apply(state.currentZ), state.currentLogits));
        dir.saveViewLogits(frozen, new Tensor(new int[] {task.trainLabels().length, k}, state.currentLogits));
        int stage = frozen + 1;
        state.cmaes = newCmaes(stage);
        if (state.refiner != null) {
            state.refiner.close();
            state.refiner = newRefiner(stage);
        }
        state.bestFitness = Double.POSITIVE_INFINITY;
        state.currentZ = null;
        state.currentLogits = null;
    }

    /**
     * The prompt offsets the final prediction sends: every view's, the final one last; only the final
     * one when there is no network to read the others (a refit that chose 0 epochs); the plain template
     * (zeros) for methods without search.
     */
    private List<float[]> prompts(TrainingState state) {
        List<float[]> prompts = new ArrayList<>();
        if (finalRefiner(state) != null) {
            state.views.all().forEach(view -> prompts.add(view.prompt()));
        }
        prompts.add(currentPrompt(state));
        return prompts;
    }

    /** The current prompt's offset: the current stage's projection of z, or the template (zeros) without one. */
    private float[] currentPrompt(TrainingState state) {
        return state.currentZ == null ? new float[config.promptSize()]
                : projection(state.views.count()).apply(state.currentZ);
    }

    /** Whether this run replaces the loop's network after the last round (not below 4 shots per class). */
    private boolean refitsAtTheEnd() {
        return config.settings().finalRefit().refits() && config.method().refines() && config.rounds() > 0
                && CrossValidatedRefit.applicable(task.trainLabels(), k);
    }

    /** The network of the final prediction: the refit's (null when it chose none), else the loop's. */
    private static RefinementMlp finalRefiner(TrainingState state) {
        return state.finalRefit != null ? state.finalRefit.model() : state.refiner;
    }

    private CrossValidatedRefit.Outcome refit(TrainingState state) {
        boolean withKl = config.settings().finalRefit() == FinalRefit.CV_KL;
        List<Double> weights = withKl && config.method().consistency() ? CrossValidatedRefit.CONSISTENCY_WEIGHT_GRID
                : List.of(0.0);
        return CrossValidatedRefit.fit(state.views.trainRows(state.currentLogits), task.trainLabels(),
                config.settings().refiner().withViews(state.views.count() + 1),
                config.seed(), CrossValidatedRefit.DEFAULT_FOLDS, CrossValidatedRefit.DEFAULT_EPOCH_GRID, weights,
                withKl ? CrossValidatedRefit.Criterion.CROSS_ENTROPY : CrossValidatedRefit.Criterion.ACCURACY);
    }

    private static TuneReport.Refit refitReport(CrossValidatedRefit.Outcome outcome, double loopTestAccuracy) {
        // the chosen weight's row of the grid (0 epochs, the raw logits, is scored with the first weight)
        Map<Integer, Double> accuracy = new LinkedHashMap<>();
        Map<Integer, Double> crossEntropy = new LinkedHashMap<>();
        List<TuneReport.RefitScore> grid = new ArrayList<>();
        for (CrossValidatedRefit.Score score : outcome.scores()) {
            if (score.epochs() == 0 || score.klWeight() == outcome.klWeight()) {
                accuracy.put(score.epochs(), score.accuracy());
                crossEntropy.put(score.epochs(), score.crossEntropy());
            }
            grid.add(new TuneReport.RefitScore(score.klWeight(), score.epochs(), score.accuracy(), score.crossEntropy()));
        }
        boolean weighted = grid.stream().anyMatch(s -> s.klWeight() > 0);
        return new TuneReport.Refit(outcome.epochs(), outcome.folds(), accuracy, crossEntropy,
                outcome.cpuNanos() / 1e9, Double.isNaN(loopTestAccuracy) ? null : loopTestAccuracy,
                weighted ? outcome.klWeight() : null, weighted ? grid : null);
    }

    /**
     * @param prompts  every view's prompt offset (L * d values), the final one last; one for a single view
     * @param refiner  the tuned refinement network's state (null = none)
     * @param replayedQueries queries answered from the service's idempotency store (a resumed round)
     * @param finalRefit what the final refit chose; null when there was none
     * @param evaluationSeconds wall time of this session's test evaluations (zero-shot included)
     */
    public record Result(long trainQueries, long evalQueries, double zeroShotAccuracy, double testAccuracy,
                         double wallSeconds, List<float[]> prompts, dev.craft.client.refine.RefinerState refiner,
                         long replayedQueries, TuneReport.Refit finalRefit, double evaluationSeconds) {
    }

    /** A round's metrics row and the timing behind it (nanoseconds; see {@link RoundTiming}). */
    private record Round(RoundMetrics metrics, long queryNanos, long cmaesNanos, long cmaesCpuNanos, long fitnessNanos,
                         long epochNanos) {
    }

    private static CmaesState.EigenTiming eigenTiming(TrainingState state) {
        return state.cmaes == null ? new CmaesState.EigenTiming(0, 0, 0, 0) : state.cmaes.eigenTiming();
    }

    private Round round(TrainingState state, QueryAccount account, long sessionStart) {
        long queryNanos = 0;
        long cmaesNanos = 0;
        long cmaesCpuNanos = 0;
        long fitnessNanos = 0;
        long epochNanos = 0;
        double bestOfRound = Double.NaN;
        double meanOfRound = Double.NaN;
        if (config.method().searchesPrompt()) {
            long t0 = System.nanoTime();
            long cpu0 = ThreadCpu.nanos();
            double[][] candidates = state.cmaes.ask();
            double[][] points = state.cmaes.toEvaluationSpace(candidates);
            float[] prompts = projection(state.views.count()).applyAll(points);
            long cpu1 = ThreadCpu.nanos();
            long t1 = System.nanoTime();
            BlackBox.Answer answer = train(prompts, points.length, account, "round-" + state.round);
            long t2 = System.nanoTime();
            double[] fitness = new double[points.length];
            int per = task.trainLabels().length * k;
            float[][] candidateLogits = ViewRows.unstack(answer.logits(), points.length);
            // One refinement pass over all candidates' input rows at once (rows are independent).
            float[] refined = config.method().consistency()
                    ? state.refiner.refine(state.views.candidateRows(answer.logits(), points.length),
                    points.length * task.trainLabels().length) : null;
            // craft scores a candidate with the views the refinement network already reads; pgpr on its own.
            List<float[]> earlierViews = config.method().consistency() ? state.views.trainLogits() : List.of();
            for (int c = 0; c < points.length; c++) {
                float[] logits = candidateLogits[c];
                fitness[c] = promptFitness.of(logits, earlierViews, refined == null ? null
                        : Arrays.copyOfRange(refined, c * per, (c + 1) * per), task.trainLabels(), k,
                        config.settings().lambdaKl());
                if (fitness[c] < state.bestFitness) {
                    state.bestFitness = fitness[c];
                    if (!config.usesMeanPrompt()) {
                        state.currentZ = points[c];
                        state.currentLogits = logits;
                        state.promptRound = state.round + 1;
                    }
                }
            }
            long t3 = System.nanoTime();
            long cpu3 = ThreadCpu.nanos();
            state.cmaes.tell(candidates, fitness);
            long cpu4 = ThreadCpu.nanos();
            long t4 = System.nanoTime();
            queryNanos += t2 - t1;
            cmaesNanos += (t1 - t0) + (t4 - t3);
            cmaesCpuNanos += (cpu1 - cpu0) + (cpu4 - cpu3);
            fitnessNanos += t3 - t2;
            if (config.usesMeanPrompt()) {
                double[] mean = state.cmaes.toEvaluationSpace(state.cmaes.mean());
                long t5 = System.nanoTime();
                state.currentZ = mean;
                state.promptRound = state.round + 1;
                state.currentLogits = train(projection(state.views.count()).apply(mean), 1, account,
                        "mean-" + state.round).logits();
                queryNanos += System.nanoTime() - t5;
            }
            bestOfRound = Arrays.stream(fitness).min().orElse(Double.NaN);
            meanOfRound = Arrays.stream(fitness).average().orElse(Double.NaN);
        }
        double trainLoss = Double.NaN;
        double trainAccuracy;
        if (config.method().refines()) {
            long t0 = System.nanoTime();
            boolean klOn = config.method().consistency()
                    && account.trainQueries() <= config.budget() / config.settings().klCutoffDivisor();
            TrainLoss loss = config.method().consistency() ? new TrainLoss(config.settings().betaKl(), klOn)
                    : TrainLoss.crossEntropyOnly();
            float[] inputs = state.views.trainRows(state.currentLogits);
            TrainStats stats = state.refiner.trainEpoch(inputs, task.trainLabels(), loss,
                    config.seed() * 1_000_003L + state.round);
            trainLoss = stats.loss();
            trainAccuracy = accuracy(state.refiner.refine(inputs, task.trainLabels().length), task.trainLabels());
            epochNanos += System.nanoTime() - t0;
        } else {
            trainAccuracy = accuracy(state.currentLogits, task.trainLabels());
        }
        double testAccuracy = Double.NaN;
        boolean lastRound = state.round + 1 == config.rounds();
        if (lastRound && refitsAtTheEnd()) {
            long t0 = System.nanoTime();
            state.finalRefit = refit(state);
            epochNanos += System.nanoTime() - t0;
        }
        boolean evaluateNow = lastRound || config.evalEvery() > 0 && (state.round + 1) % config.evalEvery() == 0;
        if (evaluateNow) {
            long t0 = System.nanoTime();
            float[] testLogits = state.views.testRows(testLogits(currentPrompt(state), account, "eval-" + state.round),
                    v -> testLogits(state.views.all().get(v).prompt(), account, "eval-view-" + v));
            testAccuracy = accuracy(refined(testLogits, finalRefiner(state)), task.testLabels());
            if (state.finalRefit != null) {
                // Diagnostic, no query: the same test logits through the loop's network, as without the refit.
                state.loopTestAccuracy = accuracy(refined(testLogits, state.refiner), task.testLabels());
            }
            state.lastTestAccuracy = testAccuracy;
            queryNanos += System.nanoTime() - t0;
        }
        long elapsed = state.elapsedBefore + (System.nanoTime() - sessionStart) / 1_000_000;
        RoundMetrics metrics = new RoundMetrics(state.round + 1, account.trainQueries(), account.evalQueries(),
                bestOfRound, meanOfRound, trainLoss, trainAccuracy, testAccuracy, elapsed, queryNanos / 1_000_000,
                cmaesNanos / 1_000_000, (fitnessNanos + epochNanos) / 1_000_000, state.promptRound);
        return new Round(metrics, queryNanos, cmaesNanos, cmaesCpuNanos, fitnessNanos, epochNanos);
    }

    private BlackBox.Answer train(float[] prompts, int count, QueryAccount account, String purpose) {
        account.ensureBudgetFor(count);
        BlackBox.Answer answer = box.predict(task.trainDatasetId(), prompts, count, key(purpose));
        account.recordTraining(count, answer);
        return answer;
    }

    /** The box's test-set logits of a prompt offset: one evaluation query. */
    private float[] testLogits(float[] prompt, QueryAccount account, String purpose) {
        long start = System.nanoTime();
        BlackBox.Answer answer = box.predict(task.testDatasetId(), prompt, 1, key(purpose));
        account.recordEvaluation(1, answer);
        evaluationNanos += System.nanoTime() - start;
        return answer.logits();
    }

    /** The prediction on test input rows: through the network, or without one the last view's logits. */
    private float[] refined(float[] inputs, RefinementMlp refiner) {
        int n = task.testLabels().length;
        return refiner == null ? ViewRows.lastView(inputs, n, k) : refiner.refine(inputs, n);
    }

    private String key(String purpose) {
        return config.runId() + "/" + purpose;
    }

    private double accuracy(float[] logits, int[] labels) {
        return logits == null ? Double.NaN : Losses.accuracy(logits, labels, k);
    }

    private TrainingState fresh() {
        return new TrainingState(config.method().searchesPrompt() ? newCmaes(0) : null,
                config.method().refines() ? newRefiner(0) : null, k);
    }

    /** Stage {@code stage}'s CMA-ES, started at z = 0. */
    private CmaesState newCmaes(int stage) {
        TuneSettings s = config.settings();
        CmaesParameters.Builder parameters = CmaesParameters.builder(s.intrinsicDim()).popsize(s.popsize())
                .sigma0(s.sigma0());
        if (s.bound() > 0) {
            parameters.bounds(-s.bound(), s.bound());
        }
        return new CmaesState(parameters.build(), new double[s.intrinsicDim()], stageSeed(stage));
    }

    /** Stage {@code stage}'s loop network, reading stage + 1 views. */
    private RefinementMlp newRefiner(int stage) {
        return new RefinementMlp(config.settings().refiner().withViews(stage + 1), stageSeed(stage));
    }

    private TrainingState restore(RunCheckpoint checkpoint) throws IOException {
        TrainingState state = new TrainingState(checkpoint.cmaes() == null ? null : CmaesState.restore(checkpoint.cmaes()),
                checkpoint.refiner() == null ? null : RefinementMlp.fromState(checkpoint.refiner()), k);
        state.round = checkpoint.round();
        state.zeroShotAccuracy = checkpoint.zeroShotAccuracy();
        state.lastTestAccuracy = checkpoint.lastTestAccuracy();
        state.bestFitness = checkpoint.bestFitness();
        state.currentZ = checkpoint.currentZ();
        state.currentLogits = dir.loadCurrentLogits(checkpoint.round()).map(Tensor::data).orElse(null);
        state.elapsedBefore = checkpoint.elapsedMillis();
        state.promptRound = checkpoint.promptRound() == null ? -1 : checkpoint.promptRound();
        List<double[]> viewZ = checkpoint.viewZ() == null ? List.of() : checkpoint.viewZ();
        for (int v = 0; v < viewZ.size(); v++) {
            state.views.add(new FrozenView(viewZ.get(v), projection(v).apply(viewZ.get(v)),
                    dir.loadViewLogits(v).data()));
        }
        if (checkpoint.viewTestLogits() != null) {
            state.views.restoreTestLogits(checkpoint.viewTestLogits());
        }
        return state;
    }

    private void save(TrainingState state, QueryAccount account, long sessionStart, CheckpointWriter writer) {
        long elapsed = state.elapsedBefore + (System.nanoTime() - sessionStart) / 1_000_000;
        RunCheckpoint checkpoint = new RunCheckpoint(state.round, account.trainQueries(), account.evalQueries(),
                state.zeroShotAccuracy, state.lastTestAccuracy, state.bestFitness, state.currentZ,
                state.cmaes == null ? null : state.cmaes.snapshot(),
                state.refiner == null ? null : state.refiner.snapshot(), elapsed, state.promptRound,
                state.views.zs(), state.views.queriedTestLogits());
        Tensor logits = state.currentLogits == null ? null
                : new Tensor(new int[] {task.trainLabels().length, k}, state.currentLogits);
        writer.submit(checkpoint, logits);
    }
}
