package dev.craft.client.refine;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** The final refit: its folds, its choice of epochs on logits it should and should not change, its determinism. */
class CrossValidatedRefitTest {

    /** The paper's shape with a narrower hidden layer, to keep the tests quick. */
    private static RefinerConfig small(int k) {
        return RefinerConfig.paper(k).withHidden(64);
    }

    @Test
    void foldsAreStratifiedBalancedAndSeeded() {
        // 5 classes of uneven sizes (3..7 samples), labels interleaved
        int[] labels = new int[25];
        int at = 0;
        for (int c = 0; c < 5; c++) {
            for (int j = 0; j < 3 + c; j++) {
                labels[at++] = c;
            }
        }
        labels = Arrays.copyOf(labels, at);
        int[] folds = CrossValidatedRefit.assignFolds(labels, 5, 4, 11);

        int[] size = new int[4];
        int[][] perClass = new int[5][4];
        for (int i = 0; i < labels.length; i++) {
            assertThat(folds[i]).isBetween(0, 3);
            size[folds[i]]++;
            perClass[labels[i]][folds[i]]++;
        }
        assertThat(Arrays.stream(size).max().getAsInt() - Arrays.stream(size).min().getAsInt()).isLessThanOrEqualTo(1);
        for (int c = 0; c < 5; c++) {
            int[] counts = perClass[c];
            assertThat(Arrays.stream(counts).max().getAsInt() - Arrays.stream(counts).min().getAsInt())
                    .as("class %d over the folds: %s", c, Arrays.toString(counts)).isLessThanOrEqualTo(1);
        }
        assertThat(CrossValidatedRefit.assignFolds(labels, 5, 4, 11)).isEqualTo(folds);
        assertThat(CrossValidatedRefit.assignFolds(labels, 5, 4, 12)).isNotEqualTo(folds);
    }

    @Test
    void oneShotUsesLeaveOneOutAndStillFits() {
        // 1 shot of 3 classes: 3 samples, fewer than 4 folds
        int[] labels = {2, 0, 1};
        assertThat(CrossValidatedRefit.assignFolds(labels, 3, 3, 5)).containsExactlyInAnyOrder(0, 1, 2);
        SyntheticLogits data = SyntheticLogits.random(3, 3, 1.0, 9);
        try (CrossValidatedRefit.Outcome outcome = CrossValidatedRefit.fit(data.logits, labels, small(3), 5, 4,
                List.of(0, 2, 5))) {
            assertThat(outcome.folds()).isEqualTo(3);
            assertThat(outcome.scores()).extracting(CrossValidatedRefit.Score::epochs).containsExactly(0, 2, 5);
            // each validation fold is one sample: every accuracy is a multiple of 1/3
            for (CrossValidatedRefit.Score s : outcome.scores()) {
                assertThat(s.accuracy() * 3).isCloseTo(Math.rint(s.accuracy() * 3), org.assertj.core.api.Assertions.within(1e-9));
            }
            assertThat(outcome.model() == null).isEqualTo(outcome.epochs() == 0);
        }
        assertThatThrownBy(() -> CrossValidatedRefit.fit(new float[3], new int[] {0}, small(3), 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void perfectLogitsWithASmallMarginAreLeftAloneOrBarelyTouched() {
        // Raw logits right on every sample, by a margin of 1 over noise of std 1: long training on
        // 30 samples moves argmaxes the wrong way (about 0.75 validation accuracy at 400 epochs).
        SyntheticLogits train = perfect(10, 40, 1.0, 3);
        SyntheticLogits test = perfect(10, 500, 1.0, 7);
        try (CrossValidatedRefit.Outcome outcome = CrossValidatedRefit.fit(train.logits, train.labels, small(10), 1)) {
            assertThat(outcome.scores().get(0).accuracy()).isEqualTo(1.0);
            assertThat(score(outcome, 400).accuracy()).isLessThan(0.9);
            assertThat(outcome.epochs()).as("scores %s", outcome.scores()).isLessThanOrEqualTo(25);
            assertThat(score(outcome, outcome.epochs()).accuracy()).isEqualTo(1.0);
            assertThat(refinedAccuracy(outcome, test)).isGreaterThanOrEqualTo(0.98);
        }
    }

    @Test
    void perfectLogitsWithAWideMarginKeepTheirAccuracy() {
        // Here training cannot lose a sample; the tie on accuracy goes to the lower cross-entropy.
        SyntheticLogits train = perfect(10, 40, 3.0, 4);
        SyntheticLogits test = perfect(10, 500, 3.0, 5);
        try (CrossValidatedRefit.Outcome outcome = CrossValidatedRefit.fit(train.logits, train.labels, small(10), 1)) {
            CrossValidatedRefit.Score chosen = score(outcome, outcome.epochs());
            assertThat(chosen.accuracy()).isEqualTo(1.0);
            for (CrossValidatedRefit.Score s : outcome.scores()) {
                if (s.accuracy() == 1.0) {
                    assertThat(chosen.crossEntropy()).isLessThanOrEqualTo(s.crossEntropy());
                }
            }
            assertThat(refinedAccuracy(outcome, test)).isEqualTo(1.0);
        }
    }

    @Test
    void aLearnablePermutationIsLearnedAndFixed() {
        // The box points the upper half of the classes to the next class of that half.
        SyntheticLogits train = SyntheticLogits.permuted(10, 160, 5);
        SyntheticLogits test = SyntheticLogits.permuted(10, 1000, 6);
        double raw = Losses.accuracy(test.logits, test.labels, 10);
        try (CrossValidatedRefit.Outcome outcome = CrossValidatedRefit.fit(train.logits, train.labels, small(10), 1)) {
            assertThat(outcome.epochs()).as("scores %s", outcome.scores()).isPositive();
            assertThat(outcome.model()).isNotNull();
            assertThat(score(outcome, outcome.epochs()).accuracy()).isGreaterThan(score(outcome, 0).accuracy() + 0.2);
            assertThat(raw).isLessThan(0.7);
            assertThat(refinedAccuracy(outcome, test)).isGreaterThan(0.9);
            assertThat(outcome.cpuNanos()).isPositive();
        }
    }

    @Test
    void aGridValueScoresTheSameWhetherTrainedOnTheWayOrAlone() {
        SyntheticLogits data = SyntheticLogits.permuted(6, 36, 8);
        try (CrossValidatedRefit.Outcome along = CrossValidatedRefit.fit(data.logits, data.labels, small(6), 3, 4,
                List.of(0, 2, 6));
             CrossValidatedRefit.Outcome alone = CrossValidatedRefit.fit(data.logits, data.labels, small(6), 3, 4,
                     List.of(6))) {
            assertThat(alone.scores()).containsExactly(score(along, 6));
            assertThat(score(along, 2)).isNotEqualTo(score(along, 6));
        }
    }

    @Test
    void theSameInputsGiveTheSameNetwork() {
        SyntheticLogits data = SyntheticLogits.permuted(6, 36, 8);
        try (CrossValidatedRefit.Outcome a = CrossValidatedRefit.fit(data.logits, data.labels, small(6), 3, 4,
                List.of(0, 3, 8));
             CrossValidatedRefit.Outcome b = CrossValidatedRefit.fit(data.logits, data.labels, small(6), 3, 4,
                     List.of(0, 3, 8));
             CrossValidatedRefit.Outcome otherSeed = CrossValidatedRefit.fit(data.logits, data.labels, small(6), 4, 4,
                     List.of(0, 3, 8))) {
            assertThat(a.epochs()).isPositive().isEqualTo(b.epochs());
            assertThat(b.scores()).isEqualTo(a.scores());
            List<float[]> pa = a.model().snapshot().parameters();
            List<float[]> pb = b.model().snapshot().parameters();
            for (int i = 0; i < pa.size(); i++) {
                assertThat(pb.get(i)).isEqualTo(pa.get(i));
            }
            assertThat(otherSeed.scores()).isNotEqualTo(a.scores());
        }
    }

    @Test
    void tiesGoToLowerCrossEntropyThenFewerEpochs() {
        var s0 = new CrossValidatedRefit.Score(0, 0.75, 0.9);
        var s10 = new CrossValidatedRefit.Score(10, 0.75, 0.5);
        var s25 = new CrossValidatedRefit.Score(25, 0.75, 0.5);
        var s50 = new CrossValidatedRefit.Score(50, 0.5, 0.1);
        assertThat(CrossValidatedRefit.choose(List.of(s0, s10, s25, s50))).isEqualTo(s10);
        assertThat(CrossValidatedRefit.choose(List.of(s0, s50))).isEqualTo(s0);
        var better = new CrossValidatedRefit.Score(100, 0.8, 2.0);
        assertThat(CrossValidatedRefit.choose(List.of(s0, s10, better))).isEqualTo(better);
    }

    @Test
    void consistencyWeightsGetTheirOwnNetworksAndTheLowestCrossEntropyWins() {
        SyntheticLogits data = SyntheticLogits.permuted(6, 36, 8);
        List<Integer> epochs = List.of(0, 3, 8);
        try (CrossValidatedRefit.Outcome weighted = CrossValidatedRefit.fit(data.logits, data.labels, small(6), 3, 4,
                epochs, List.of(0.0, 0.3, 3.0), CrossValidatedRefit.Criterion.CROSS_ENTROPY);
             CrossValidatedRefit.Outcome plain = CrossValidatedRefit.fit(data.logits, data.labels, small(6), 3, 4,
                     epochs, List.of(0.0), CrossValidatedRefit.Criterion.CROSS_ENTROPY)) {
            // 0 epochs once, then 3 and 8 epochs for each weight, in grid order
            assertThat(weighted.scores()).extracting(CrossValidatedRefit.Score::klWeight, CrossValidatedRefit.Score::epochs)
                    .containsExactly(tuple(0.0, 0), tuple(0.0, 3), tuple(0.0, 8), tuple(0.3, 3), tuple(0.3, 8),
                            tuple(3.0, 3), tuple(3.0, 8));
            // weight 0's networks are the same whatever other weights are tried
            assertThat(weighted.scores().subList(0, 3)).isEqualTo(plain.scores());
            // the term changes what is learned
            assertThat(scoreOf(weighted, 3.0, 8)).usingRecursiveComparison().ignoringFields("klWeight")
                    .isNotEqualTo(scoreOf(weighted, 0.0, 8));
            CrossValidatedRefit.Score lowest = weighted.scores().stream()
                    .min(java.util.Comparator.comparingDouble(CrossValidatedRefit.Score::crossEntropy)).orElseThrow();
            assertThat(weighted.epochs()).isEqualTo(lowest.epochs());
            assertThat(weighted.klWeight()).isEqualTo(lowest.epochs() == 0 ? 0.0 : lowest.klWeight());
        }
    }

    @Test
    void byCrossEntropyTiesGoToTheEarlierEntry() {
        var raw = new CrossValidatedRefit.Score(0.0, 0, 0.5, 0.8);
        var light = new CrossValidatedRefit.Score(0.1, 25, 0.9, 0.6);
        var strong = new CrossValidatedRefit.Score(1.0, 25, 0.7, 0.6);
        var accurate = new CrossValidatedRefit.Score(0.0, 50, 0.95, 0.7);
        assertThat(CrossValidatedRefit.choose(List.of(raw, light, strong, accurate),
                CrossValidatedRefit.Criterion.CROSS_ENTROPY)).isEqualTo(light);
        assertThat(CrossValidatedRefit.choose(List.of(raw, light, strong, accurate),
                CrossValidatedRefit.Criterion.ACCURACY)).isEqualTo(accurate);
    }

    @Test
    void badGridsAreRefused() {
        SyntheticLogits data = SyntheticLogits.random(3, 6, 1.0, 1);
        assertThatThrownBy(() -> CrossValidatedRefit.fit(data.logits, data.labels, small(3), 1, 4, List.of(10, 5)))
                .hasMessageContaining("strictly increasing");
        assertThatThrownBy(() -> CrossValidatedRefit.fit(data.logits, data.labels, small(3), 1, 4, List.of()))
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> CrossValidatedRefit.fit(data.logits, data.labels, small(3), 1, 1, List.of(0)))
                .hasMessageContaining("folds");
        for (List<Double> weights : List.of(List.<Double>of(), List.of(0.1, 0.1), List.of(-1.0), List.of(0.0, Double.NaN))) {
            assertThatThrownBy(() -> CrossValidatedRefit.fit(data.logits, data.labels, small(3), 1, 4, List.of(0, 1),
                    weights, CrossValidatedRefit.Criterion.CROSS_ENTROPY))
                    .as("weights %s", weights).hasMessageContaining("consistency weight");
        }
    }

    private static CrossValidatedRefit.Score scoreOf(CrossValidatedRefit.Outcome outcome, double weight, int epochs) {
        return outcome.scores().stream().filter(s -> s.klWeight() == weight && s.epochs() == epochs).findFirst()
                .orElseThrow();
    }

    private static CrossValidatedRefit.Score score(CrossValidatedRefit.Outcome outcome, int epochs) {
        return outcome.scores().stream().filter(s -> s.epochs() == epochs).findFirst().orElseThrow();
    }

    private static double refinedAccuracy(CrossValidatedRefit.Outcome outcome, SyntheticLogits test) {
        float[] logits = outcome.model() == null ? test.logits : outcome.model().refine(test.logits, test.n());
        return Losses.accuracy(logits, test.labels, test.k);
    }

    /** Balanced labels; noise of std 1 everywhere, then the label's logit set {@code margin} above the row's maximum. */
    private static SyntheticLogits perfect(int k, int n, double margin, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] logits = new float[n * k];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % k;
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                logits[i * k + c] = (float) SyntheticLogits.gaussian(random);
                if (c != labels[i]) {
                    max = Math.max(max, logits[i * k + c]);
                }
            }
            logits[i * k + labels[i]] = max + (float) margin;
        }
        return SyntheticLogits.of(k, logits, labels);
    }
}
