package dev.craft.client.refine;

import dev.craft.client.cmaes.ThreadCpu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Fits a fresh refinement network on one set of logits, trained for a number of epochs chosen by
 * k-fold cross-validation: the "final refit" of a run ({@code --final-refit cv}).
 *
 * <p><b>Folds.</b> The samples are split into {@code folds} folds stratified by class and seeded
 * ({@link #assignFolds}): each class's samples, in an order shuffled by the seed, are dealt to
 * the folds in turn, the dealing going on where the previous class stopped. Fold sizes differ by
 * at most one and so do a class's counts in any two folds. With fewer samples than folds, every
 * sample is its own fold (leave-one-out). A class may be absent from a training split.
 *
 * <p><b>Scores.</b> Grid value 0 means "no network": the raw logits (identity). For the others,
 * each fold trains ONE fresh network (plain cross-entropy, the config's optimiser and batch size)
 * on the other folds up to the largest grid value and measures validation accuracy and mean
 * cross-entropy after each grid epoch on the way. This equals training a separate network for
 * every grid value: a network's state after e epochs depends only on its init seed and the
 * shuffle seeds of epochs 1..e, both fixed per fold, and a validation forward pass changes
 * nothing (no gradient, no optimiser step, no random numbers).
 *
 * <p><b>Consistency weights.</b> The networks may also be trained with CraFT's consistency term,
 * CE(r, y) + w KL(softmax(f) || softmax(r)) (paper Eq. 6, pulling the refined prediction towards
 * the box's), for each weight w of a grid ({@code --final-refit cv-kl}). Every weight gets its own
 * networks per fold (the same init and shuffle seeds); grid value 0 epochs is scored once.
 *
 * <p><b>Choice.</b> By {@link Criterion#ACCURACY}: the highest mean validation accuracy over folds
 * wins; ties go to the lower mean validation cross-entropy, then to fewer epochs. By
 * {@link Criterion#CROSS_ENTROPY}: the lowest mean validation cross-entropy wins; ties go to the
 * earlier entry (the lower weight, then fewer epochs). The winner is trained afresh on all
 * samples (its own init and shuffle seeds); for 0 epochs there is no network.
 *
 * <p>Everything follows from the seed, the logits and the labels: the same inputs give the same
 * choice and, on a single-threaded CPU engine, the same network bit for bit.
 */
public final class CrossValidatedRefit {

    /** Folds unless told otherwise. */
    public static final int DEFAULT_FOLDS = 4;

    /** Epoch counts tried unless told otherwise; 0 is the raw logits. */
    public static final List<Integer> DEFAULT_EPOCH_GRID = List.of(0, 10, 25, 50, 100, 200, 400);

    /** The consistency weights of {@code --final-refit cv-kl} for a method with consistency terms. */
    public static final List<Double> CONSISTENCY_WEIGHT_GRID = List.of(0.0, 0.03, 0.1, 0.3, 1.0);

    /** What the choice among the grid's entries maximises. */
    public enum Criterion {
        /** Mean validation accuracy (ties: cross-entropy, then fewer epochs). */
        ACCURACY,
        /**
         * Mean validation cross-entropy. With a few dozen validation samples per fold, accuracy moves
         * in steps of one sample and ties often; the cross-entropy also sees how confident the wrong
         * and right answers are, which is what the consistency term changes.
         */
        CROSS_ENTROPY
    }

    /** Two mean accuracies closer than this are a tie (they are sums of the same fractions). */
    private static final double TIE = 1e-12;

    private CrossValidatedRefit() {
    }

    /**
     * One grid entry's cross-validated score.
     *
     * @param klWeight     weight of the consistency term in training (0: cross-entropy only)
     * @param epochs       epochs of training (0: the raw logits)
     * @param accuracy     mean over folds of the validation accuracy
     * @param crossEntropy mean over folds of the validation mean cross-entropy
     */
    public record Score(double klWeight, int epochs, double accuracy, double crossEntropy) {

        /** An entry trained with cross-entropy only. */
        public Score(int epochs, double accuracy, double crossEntropy) {
            this(0.0, epochs, accuracy, crossEntropy);
        }
    }

    /**
     * What the refit chose and the network it fitted. Holds native memory when a network was
     * fitted: close it.
     */
    public static final class Outcome implements AutoCloseable {
        private final int epochs;
        private final double klWeight;
        private final int folds;
        private final List<Score> scores;
        private final RefinementMlp model;
        private final long cpuNanos;

        private Outcome(int epochs, double klWeight, int folds, List<Score> scores, RefinementMlp model, long cpuNanos) {
            this.epochs = epochs;
            this.klWeight = klWeight;
            this.folds = folds;
            this.scores = List.copyOf(scores);
            this.model = model;
            this.cpuNanos = cpuNanos;
        }

        /** The chosen number of epochs; 0 means no network. */
        public int epochs() {
            return epochs;
        }

        /** The consistency weight the chosen network was trained with (0 when none or no network). */
        public double klWeight() {
            return klWeight;
        }

        /** Folds actually used (fewer than asked when there are fewer samples). */
        public int folds() {
            return folds;
        }

        /** The score of every grid value, in grid order. */
        public List<Score> scores() {
            return scores;
        }

        /** The network trained on all samples for {@link #epochs()} epochs; null when 0 was chosen. */
        public RefinementMlp model() {
            return model;
        }

        /** CPU time of the calling thread spent on the whole refit (folds and final fit). */
        public long cpuNanos() {
            return cpuNanos;
        }

        @Override
        public void close() {
            if (model != null) {
                model.close();
            }
        }
    }

    /**
     * Whether a refit is worth making on these labels: every class needs at least {@link #DEFAULT_FOLDS}
     * samples. With 1 shot a validation sample's class is absent from its training side, so no
     * network can predict it and the validation always favours the raw logits; with 2 or 3 shots the
     * folds' scores are too noisy (docs/ablation.md: at 2 shots the refit chose the raw logits on every
     * seed and lost to the loop's network). A run below the bound keeps the loop's network.
     */
    public static boolean applicable(int[] labels, int k) {
        return ClassCounts.fewest(labels, k) >= DEFAULT_FOLDS;
    }

    /** {@link #fit(float[], int[], RefinerConfig, long, int, List)} with 4 folds and the default grid. */
    public static Outcome fit(float[] logits, int[] labels, RefinerConfig config, long seed) {
        return fit(logits, labels, config, seed, DEFAULT_FOLDS, DEFAULT_EPOCH_GRID);
    }

    /**
     * Chooses the number of epochs by cross-validated accuracy and fits the network on all samples
     * (cross-entropy only).
     *
     * @param logits [N, V*K] row-major: the logits of {@code config.views()} prompts side by side
     *               (0 epochs scores the last view's)
     * @param labels N labels in [0, K); N must be at least 2
     * @param folds  at least 2; N folds when N is smaller
     * @param grid   strictly increasing, non-negative epoch counts
     */
    public static Outcome fit(float[] logits, int[] labels, RefinerConfig config, long seed, int folds,
                              List<Integer> grid) {
        return fit(logits, labels, config, seed, folds, grid, List.of(0.0), Criterion.ACCURACY);
    }

    /**
     * Chooses the number of epochs and the consistency weight by cross-validation and fits the
     * network on all samples.
     *
     * @param klWeights strictly increasing, non-negative, finite weights of the consistency term
     * @param criterion what the choice maximises
     */
    public static Outcome fit(float[] logits, int[] labels, RefinerConfig config, long seed, int folds,
                              List<Integer> grid, List<Double> klWeights, Criterion criterion) {
        long cpu0 = ThreadCpu.nanos();
        int k = config.classes();
        int width = config.inputWidth();
        int n = labels.length;
        if (n < 2 || (long) n * width != logits.length) {
            throw new IllegalArgumentException("expected at least 2 samples of " + width + " inputs, got "
                    + logits.length + " inputs for " + n + " labels");
        }
        if (folds < 2) {
            throw new IllegalArgumentException("folds must be >= 2, got " + folds);
        }
        int[] epochGrid = checkGrid(grid);
        double[] weights = checkWeights(klWeights);
        int used = Math.min(folds, n);
        int[] fold = assignFolds(labels, k, used, seed);
        List<Score> scores = new ArrayList<>(epochGrid.length * weights.length);
        for (int w = 0; w < weights.length; w++) {
            Score[] perEpochs = scoreWeight(logits, labels, config, seed, fold, used, epochGrid, weights[w]);
            for (Score score : perEpochs) {
                // 0 epochs is the raw logits whatever the weight: scored once, with the first weight
                if (score.epochs() > 0 || w == 0) {
                    scores.add(score);
                }
            }
        }
        Score best = choose(scores, criterion);
        double weight = best.epochs() == 0 ? 0.0 : best.klWeight();
        RefinementMlp model = best.epochs() == 0 ? null
                : trainOnAll(logits, labels, config, seed, best.epochs(), weight);
        return new Outcome(best.epochs(), weight, used, scores, model, ThreadCpu.nanos() - cpu0);
    }

    /** Every grid epoch count's score for one consistency weight, in grid order. */
    private static Score[] scoreWeight(float[] logits, int[] labels, RefinerConfig config, long seed, int[] fold,
                                       int folds, int[] epochGrid, double klWeight) {
        int k = config.classes();
        int maxEpochs = epochGrid[epochGrid.length - 1];
        TrainLoss loss = trainLoss(klWeight);
        double[][] accuracy = new double[epochGrid.length][folds];
        double[][] crossEntropy = new double[epochGrid.length][folds];
        for (int f = 0; f < folds; f++) {
            Subset train = Subset.of(logits, labels, config.inputWidth(), fold, f, false);
            Subset validation = Subset.of(logits, labels, config.inputWidth(), fold, f, true);
            int g = 0;
            if (epochGrid[0] == 0) {
                float[] raw = config.baseView(validation.logits);
                accuracy[0][f] = Losses.accuracy(raw, validation.labels, k);
                crossEntropy[0][f] = Losses.crossEntropy(raw, validation.labels, k);
                g = 1;
            }
            if (maxEpochs == 0) {
                continue;
            }
            try (RefinementMlp mlp = new RefinementMlp(config, initSeed(seed, f))) {
                for (int e = 1; e <= maxEpochs; e++) {
                    mlp.trainEpoch(train.logits, train.labels, loss, shuffleSeed(seed, f, e));
                    if (epochGrid[g] == e) {
                        float[] refined = mlp.refine(validation.logits, validation.labels.length);
                        accuracy[g][f] = Losses.accuracy(refined, validation.labels, k);
                        crossEntropy[g][f] = Losses.crossEntropy(refined, validation.labels, k);
                        g++;
                    }
                }
            }
        }
        Score[] scores = new Score[epochGrid.length];
        for (int g = 0; g < epochGrid.length; g++) {
            scores[g] = new Score(klWeight, epochGrid[g], mean(accuracy[g]), mean(crossEntropy[g]));
        }
        return scores;
    }

    private static TrainLoss trainLoss(double klWeight) {
        return klWeight == 0 ? TrainLoss.crossEntropyOnly() : new TrainLoss(klWeight, true);
    }

    /**
     * The fold (0 .. folds-1) of every sample: stratified by class and seeded (see the class
     * comment). Every fold gets at least one sample when there are at least {@code folds} samples.
     */
    public static int[] assignFolds(int[] labels, int k, int folds, long seed) {
        if (folds < 1) {
            throw new IllegalArgumentException("folds must be >= 1, got " + folds);
        }
        int n = labels.length;
        int[] count = new int[k];
        for (int y : labels) {
            if (y < 0 || y >= k) {
                throw new IllegalArgumentException("label " + y + " outside [0, " + k + ")");
            }
            count[y]++;
        }
        int[][] byClass = new int[k][];
        for (int c = 0; c < k; c++) {
            byClass[c] = new int[count[c]];
        }
        int[] filled = new int[k];
        for (int i = 0; i < n; i++) {
            byClass[labels[i]][filled[labels[i]]++] = i;
        }
        SplittableRandom random = new SplittableRandom(mix(seed, 0x5f0143L));
        int[] fold = new int[n];
        int next = 0;
        for (int c = 0; c < k; c++) {
            int[] members = byClass[c];
            for (int i = members.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = members[i];
                members[i] = members[j];
                members[j] = t;
            }
            for (int member : members) {
                fold[member] = next;
                next = (next + 1) % folds;
            }
        }
        return fold;
    }

    /** The best score by {@code criterion} (scores come in grid order: weights, then epochs). */
    static Score choose(List<Score> scores, Criterion criterion) {
        if (criterion == Criterion.ACCURACY) {
            return choose(scores);
        }
        Score best = scores.get(0);
        for (Score s : scores.subList(1, scores.size())) {
            if (s.crossEntropy() < best.crossEntropy()) {
                best = s;
            }
        }
        return best;
    }

    /** Highest accuracy; ties: lower cross-entropy, then fewer epochs (scores come in grid order). */
    static Score choose(List<Score> scores) {
        Score best = scores.get(0);
        for (Score s : scores.subList(1, scores.size())) {
            boolean moreAccurate = s.accuracy() > best.accuracy() + TIE;
            boolean tied = Math.abs(s.accuracy() - best.accuracy()) <= TIE;
            if (moreAccurate || tied && s.crossEntropy() < best.crossEntropy()) {
                best = s;
            }
        }
        return best;
    }

    private static RefinementMlp trainOnAll(float[] logits, int[] labels, RefinerConfig config, long seed, int epochs,
                                           double klWeight) {
        RefinementMlp mlp = new RefinementMlp(config, initSeed(seed, -1));
        TrainLoss loss = trainLoss(klWeight);
        try {
            for (int e = 1; e <= epochs; e++) {
                mlp.trainEpoch(logits, labels, loss, shuffleSeed(seed, -1, e));
            }
            return mlp;
        } catch (RuntimeException e) {
            mlp.close();
            throw e;
        }
    }

    private static int[] checkGrid(List<Integer> grid) {
        if (grid == null || grid.isEmpty()) {
            throw new IllegalArgumentException("the epoch grid is empty");
        }
        int[] values = grid.stream().mapToInt(Integer::intValue).toArray();
        for (int i = 0; i < values.length; i++) {
            if (values[i] < 0 || i > 0 && values[i] <= values[i - 1]) {
                throw new IllegalArgumentException("the epoch grid must be non-negative and strictly increasing, got "
                        + Arrays.toString(values));
            }
        }
        return values;
    }

    private static double[] checkWeights(List<Double> klWeights) {
        if (klWeights == null || klWeights.isEmpty()) {
            throw new IllegalArgumentException("the consistency weight grid is empty");
        }
        double[] values = klWeights.stream().mapToDouble(Double::doubleValue).toArray();
        for (int i = 0; i < values.length; i++) {
            if (!(values[i] >= 0) || !Double.isFinite(values[i]) || i > 0 && values[i] <= values[i - 1]) {
                throw new IllegalArgumentException("the consistency weights must be finite, non-negative and strictly "
                        + "increasing, got " + Arrays.toString(values));
            }
        }
        return values;
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    /** Init seed of fold {@code fold}'s network; fold -1 is the final fit on all samples. */
    private static long initSeed(long seed, int fold) {
        return mix(mix(seed, 0x1417L), fold);
    }

    private static long shuffleSeed(long seed, int fold, int epoch) {
        return mix(mix(mix(seed, 0x5407L), fold), epoch);
    }

    /** SplitMix64's finaliser over seed + value: distinct streams from one run seed. */
    private static long mix(long seed, long value) {
        long z = seed + (value + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The rows of one side of a split, copied out. */
    private record Subset(float[] logits, int[] labels) {
        static Subset of(float[] logits, int[] labels, int width, int[] fold, int f, boolean inFold) {
            int n = 0;
            for (int x : fold) {
                if ((x == f) == inFold) {
                    n++;
                }
            }
            float[] l = new float[n * width];
            int[] y = new int[n];
            int j = 0;
            for (int i = 0; i < fold.length; i++) {
                if ((fold[i] == f) == inFold) {
                    System.arraycopy(logits, i * width, l, j * width, width);
                    y[j++] = labels[i];
                }
            }
            return new Subset(l, y);
        }
    }
}
