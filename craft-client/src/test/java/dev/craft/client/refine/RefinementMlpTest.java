package dev.craft.client.refine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.craft.client.refine.RefinerConfig.OptimizerKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class RefinementMlpTest {

    private static final TrainLoss CE_AND_KL = new TrainLoss(0.1, true);

    private static RefinerConfig small(int k) {
        return RefinerConfig.paper(k).withHidden(64);
    }

    // ------------------------------------------------------------------ structure

    @Test
    void residualOutputIsBoxLogitsPlusG() {
        RefinerConfig config = small(6);
        SyntheticLogits data = SyntheticLogits.random(6, 9, 3.0, 1);
        try (RefinementMlp mlp = new RefinementMlp(config, 42)) {
            float[] r = mlp.refine(data.logits, data.n());
            double[] g = SyntheticLogits.javaG(config, mlp.snapshot().parameters(), data.logits, data.n());
            double maxG = 0;
            for (int i = 0; i < r.length; i++) {
                assertThat((double) r[i] - data.logits[i]).isCloseTo(g[i], within(1e-5));
                maxG = Math.max(maxG, Math.abs(g[i]));
            }
            // default init of the last layer: a fresh refiner already changes the logits
            assertThat(maxG).isGreaterThan(1e-2);
        }
    }

    @Test
    void withTwoViewsTheResidualIsTheLastViewAndGReadsBoth() {
        RefinerConfig config = small(6).withViews(2);
        SyntheticLogits first = SyntheticLogits.random(6, 9, 3.0, 3);
        SyntheticLogits last = SyntheticLogits.random(6, 9, 3.0, 4);
        float[] inputs = ViewRows.sideBySide(List.of(first.logits, last.logits), 6);
        try (RefinementMlp mlp = new RefinementMlp(config, 42)) {
            float[] r = mlp.refine(inputs, 9);
            assertThat(r).hasSize(9 * 6);
            double[] g = SyntheticLogits.javaG(config, mlp.snapshot().parameters(), inputs, 9);
            for (int i = 0; i < r.length; i++) {
                assertThat((double) r[i] - last.logits[i]).isCloseTo(g[i], within(1e-5));
            }
            assertThatThrownBy(() -> mlp.refine(last.logits, 9)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("expected 9 x 12 inputs");
        }
    }

    @Test
    void aTwoViewNetworkLearnsFromTheFirstViewWhenTheLastCarriesNoClass() {
        int k = 10;
        SyntheticLogits train = SyntheticLogits.permuted(k, 2560, 31);
        SyntheticLogits test = SyntheticLogits.permuted(k, 1000, 32);
        float[] trainInputs = ViewRows.sideBySide(List.of(train.logits,
                SyntheticLogits.random(k, train.n(), 1.0, 33).logits), k);
        float[] testInputs = ViewRows.sideBySide(List.of(test.logits,
                SyntheticLogits.random(k, test.n(), 1.0, 34).logits), k);
        try (RefinementMlp mlp = new RefinementMlp(RefinerConfig.paper(k).withViews(2), 1)) {
            for (int epoch = 0; epoch < 10; epoch++) {
                mlp.trainEpoch(trainInputs, train.labels, CE_AND_KL, 100 + epoch);
            }
            // the base view is noise (chance, 0.1); the classes can only come from the first view
            assertThat(Losses.accuracy(mlp.refine(testInputs, test.n()), test.labels, k)).isGreaterThan(0.8);
        }
    }

    @Test
    void withoutResidualOutputIsG() {
        RefinerConfig config = small(6).withResidual(false);
        SyntheticLogits data = SyntheticLogits.random(6, 9, 3.0, 2);
        try (RefinementMlp mlp = new RefinementMlp(config, 42)) {
            float[] r = mlp.refine(data.logits, data.n());
            double[] g = SyntheticLogits.javaG(config, mlp.snapshot().parameters(), data.logits, data.n());
            for (int i = 0; i < r.length; i++) {
                assertThat((double) r[i]).isCloseTo(g[i], within(1e-5));
            }
        }
    }

    @Test
    void linearVariantHasOneLayer() {
        RefinerConfig config = RefinerConfig.paper(5).asLinear();
        assertThat(config.layers()).isEqualTo(1);
        assertThat(config.linear()).isTrue();
        SyntheticLogits data = SyntheticLogits.random(5, 4, 3.0, 3);
        try (RefinementMlp mlp = new RefinementMlp(config, 7)) {
            RefinerState state = mlp.snapshot();
            assertThat(state.parameters()).hasSize(2);
            assertThat(state.parameters().get(0)).hasSize(25);
            assertThat(state.parameters().get(1)).hasSize(5);
            assertThat(mlp.parameterCount()).isEqualTo(30);
            float[] r = mlp.refine(data.logits, data.n());
            double[] g = SyntheticLogits.javaG(config, state.parameters(), data.logits, data.n());
            for (int i = 0; i < r.length; i++) {
                assertThat((double) r[i] - data.logits[i]).isCloseTo(g[i], within(1e-5));
            }
        }
        assertThatThrownBy(() -> new RefinerConfig(5, 8, 1, true, false, OptimizerKind.ADAM, 1e-3, 256, .9, .999,
                1e-8, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void presetsHaveThePaperAndReferenceShapes() {
        RefinerConfig paper = RefinerConfig.paper(1000);
        assertThat(paper.layers()).isEqualTo(3);
        assertThat(paper.hidden()).isEqualTo(512);
        assertThat(paper.optimizer()).isEqualTo(OptimizerKind.ADAMW);
        assertThat(paper.weightDecay()).isEqualTo(0.01);
        // 1000*512 + 512 + 512*512 + 512 + 512*1000 + 1000
        assertThat(paper.parameterCount()).isEqualTo(1_288_168L);
        RefinerConfig reference = RefinerConfig.reference(10);
        assertThat(reference.layers()).isEqualTo(2);
        assertThat(reference.hidden()).isEqualTo(256);
        assertThat(reference.optimizer()).isEqualTo(OptimizerKind.ADAM);
        assertThat(reference.weightDecay()).isZero();
        // 10*256 + 256 + 256*10 + 10
        assertThat(reference.parameterCount()).isEqualTo(5386L);
    }

    @Test
    void initialisationIsSeededNnLinearDefault() {
        RefinerConfig config = small(10);
        try (RefinementMlp a = new RefinementMlp(config, 5);
                RefinementMlp b = new RefinementMlp(config, 5);
                RefinementMlp c = new RefinementMlp(config, 6)) {
            List<float[]> pa = a.snapshot().parameters();
            List<float[]> pb = b.snapshot().parameters();
            List<float[]> pc = c.snapshot().parameters();
            for (int i = 0; i < pa.size(); i++) {
                assertThat(pa.get(i)).isEqualTo(pb.get(i));
                assertThat(pa.get(i)).isNotEqualTo(pc.get(i));
                double bound = 1 / Math.sqrt(config.inWidth(i / 2));
                double max = 0;
                double sum = 0;
                for (float v : pa.get(i)) {
                    assertThat(Math.abs((double) v)).isLessThanOrEqualTo(bound);
                    max = Math.max(max, Math.abs(v));
                    sum += v;
                }
                assertThat(max).isGreaterThan(0.8 * bound);
                assertThat(Math.abs(sum / pa.get(i).length)).isLessThan(0.5 * bound);
            }
        }
    }

    // ------------------------------------------------------------------ optimisation

    /**
     * Two AdamW steps on a residual linear g checked against a plain-Java reference: the
     * gradient of CE(r, y) + beta KL(softmax(f) || softmax(r)) w.r.t. r is
     * (softmax(r) - onehot(y) + beta (softmax(r) - softmax(f))) / B.
     */
    @Test
    void adamWStepsMatchPlainJavaReference() {
        int k = 4;
        int n = 20;
        double beta = 0.3;
        RefinerConfig config = RefinerConfig.paper(k).asLinear().withLearningRate(1e-2);
        SyntheticLogits data = SyntheticLogits.random(k, n, 2.0, 9);
        try (RefinementMlp mlp = new RefinementMlp(config, 3)) {
            RefinerState s0 = mlp.snapshot();
            double[] w = toDouble(s0.parameters().get(0));
            double[] b = toDouble(s0.parameters().get(1));
            double[][] m = {new double[k * k], new double[k]};
            double[][] v = {new double[k * k], new double[k]};
            for (int t = 1; t <= 2; t++) {
                double[] dr = new double[n * k];
                double[] r = new double[k];
                for (int i = 0; i < n; i++) {
                    for (int o = 0; o < k; o++) {
                        double s = data.logits[i * k + o] + b[o];
                        for (int j = 0; j < k; j++) {
                            s += w[o * k + j] * data.logits[i * k + j];
                        }
                        r[o] = s;
                    }
                    double[] q = softmax(r);
                    double[] p = softmax(toDouble(java.util.Arrays.copyOfRange(data.logits, i * k, i * k + k)));
                    for (int o = 0; o < k; o++) {
                        double onehot = o == data.labels[i] ? 1 : 0;
                        dr[i * k + o] = (q[o] - onehot + beta * (q[o] - p[o])) / n;
                    }
                }
                double[] gw = new double[k * k];
                double[] gb = new double[k];
                for (int i = 0; i < n; i++) {
                    for (int o = 0; o < k; o++) {
                        gb[o] += dr[i * k + o];
                        for (int j = 0; j < k; j++) {
                            gw[o * k + j] += dr[i * k + o] * data.logits[i * k + j];
                        }
                    }
                }
                adamW(config, t, w, gw, m[0], v[0]);
                adamW(config, t, b, gb, m[1], v[1]);
                mlp.trainEpoch(data.logits, data.labels, new TrainLoss(beta, true), t);
            }
            RefinerState s2 = mlp.snapshot();
            assertThat(s2.step()).isEqualTo(2);
            assertClose(s2.parameters().get(0), w, 2e-6);
            assertClose(s2.parameters().get(1), b, 2e-6);
            assertClose(s2.firstMoments().get(0), m[0], 1e-6);
            assertClose(s2.secondMoments().get(1), v[1], 1e-6);
        }
    }

    private static void adamW(RefinerConfig c, int t, double[] p, double[] g, double[] m, double[] v) {
        double lr = c.learningRate();
        for (int i = 0; i < p.length; i++) {
            p[i] *= 1 - lr * c.weightDecay();
            m[i] = c.beta1() * m[i] + (1 - c.beta1()) * g[i];
            v[i] = c.beta2() * v[i] + (1 - c.beta2()) * g[i] * g[i];
            double mHat = m[i] / (1 - Math.pow(c.beta1(), t));
            double vHat = v[i] / (1 - Math.pow(c.beta2(), t));
            p[i] -= lr * mHat / (Math.sqrt(vHat) + c.eps());
        }
    }

    @Test
    void epochStatisticsMatchPlainJavaLossesBeforeTheUpdate() {
        int k = 10;
        SyntheticLogits data = SyntheticLogits.random(k, 50, 3.0, 21);
        try (RefinementMlp mlp = new RefinementMlp(small(k), 8)) {
            float[] r = mlp.refine(data.logits, data.n());
            TrainStats stats = mlp.trainEpoch(data.logits, data.labels, CE_AND_KL, 1); // one full batch
            assertThat(stats.steps()).isEqualTo(1);
            double ce = Losses.crossEntropy(r, data.labels, k);
            double kl = Losses.kl(data.logits, r, k);
            assertThat(stats.crossEntropy()).isCloseTo(ce, within(1e-5));
            assertThat(stats.kl()).isCloseTo(kl, within(1e-5));
            assertThat(stats.loss()).isCloseTo(ce + 0.1 * kl, within(1e-5));
            assertThat(stats.accuracy()).isCloseTo(Losses.accuracy(r, data.labels, k), within(1e-12));
            TrainStats ceOnly = mlp.trainEpoch(data.logits, data.labels, new TrainLoss(0.1, false), 2);
            assertThat(ceOnly.kl()).isZero();
            assertThat(ceOnly.loss()).isEqualTo(ceOnly.crossEntropy());
        }
    }

    @Test
    void trainingLearnsTheBoxsSystematicError() {
        int k = 10;
        SyntheticLogits train = SyntheticLogits.permuted(k, 2560, 31);
        SyntheticLogits test = SyntheticLogits.permuted(k, 1000, 32);
        double boxAccuracy = Losses.accuracy(test.logits, test.labels, k);
        double boxCe = Losses.crossEntropy(train.logits, train.labels, k);
        try (RefinementMlp mlp = new RefinementMlp(RefinerConfig.paper(k), 1)) {
            double initialCe = Losses.crossEntropy(mlp.refine(train.logits, train.n()), train.labels, k);
            TrainStats first = null;
            TrainStats last = null;
            for (int epoch = 0; epoch < 10; epoch++) {
                last = mlp.trainEpoch(train.logits, train.labels, CE_AND_KL, 100 + epoch);
                if (first == null) {
                    first = last;
                }
            }
            float[] refinedTrain = mlp.refine(train.logits, train.n());
            float[] refinedTest = mlp.refine(test.logits, test.n());
            double finalCe = Losses.crossEntropy(refinedTrain, train.labels, k);
            double refinedAccuracy = Losses.accuracy(refinedTest, test.labels, k);
            System.out.printf("box acc %.3f CE %.3f | refiner CE %.3f -> %.3f (epoch 1 %.3f, epoch 10 %.3f), "
                    + "test acc %.3f%n", boxAccuracy, boxCe, initialCe, finalCe, first.crossEntropy(),
                    last.crossEntropy(), refinedAccuracy);
            assertThat(boxAccuracy).isBetween(0.4, 0.65);
            assertThat(finalCe).isLessThan(0.5 * initialCe);
            assertThat(last.crossEntropy()).isLessThan(0.5 * first.crossEntropy());
            assertThat(refinedAccuracy).isGreaterThan(boxAccuracy + 0.25);
        }
    }

    // ------------------------------------------------------------------ determinism

    @Test
    void sameSeedsGiveIdenticalParametersAndSnapshotResumesBitIdentically() throws Exception {
        int k = 10;
        RefinerConfig config = small(k);
        SyntheticLogits data = SyntheticLogits.permuted(k, 700, 41); // 3 batches, last one partial
        JsonMapper json = JsonMapper.builder().build();
        try (RefinementMlp a = new RefinementMlp(config, 77);
                RefinementMlp b = new RefinementMlp(config, 77)) {
            String checkpoint = null;
            for (int epoch = 1; epoch <= 3; epoch++) {
                a.trainEpoch(data.logits, data.labels, CE_AND_KL, 1000 + epoch);
                b.trainEpoch(data.logits, data.labels, CE_AND_KL, 1000 + epoch);
                if (epoch == 2) {
                    checkpoint = json.writeValueAsString(a.snapshot());
                }
            }
            RefinerState sa = a.snapshot();
            assertSameState(sa, b.snapshot());
            assertThat(sa.step()).isEqualTo(9);

            RefinerState restored = json.readValue(checkpoint, RefinerState.class);
            assertThat(restored.config()).isEqualTo(config);
            assertThat(restored.step()).isEqualTo(6);
            try (RefinementMlp resumed = RefinementMlp.fromState(restored)) {
                resumed.trainEpoch(data.logits, data.labels, CE_AND_KL, 1003);
                assertSameState(resumed.snapshot(), sa);
            }
            // restore() into a used instance rewinds it too
            b.restore(restored);
            b.trainEpoch(data.logits, data.labels, CE_AND_KL, 1003);
            assertSameState(b.snapshot(), sa);
        }
    }

    @Test
    void differentShuffleSeedsGiveDifferentParameters() {
        RefinerConfig config = small(10);
        SyntheticLogits data = SyntheticLogits.permuted(10, 700, 41);
        try (RefinementMlp a = new RefinementMlp(config, 77);
                RefinementMlp b = new RefinementMlp(config, 77)) {
            a.trainEpoch(data.logits, data.labels, CE_AND_KL, 1);
            b.trainEpoch(data.logits, data.labels, CE_AND_KL, 2);
            assertThat(a.snapshot().parameters().get(0)).isNotEqualTo(b.snapshot().parameters().get(0));
        }
    }

    @Test
    void adamWDiffersFromAdamOnlyThroughWeightDecay() {
        int k = 10;
        SyntheticLogits data = SyntheticLogits.random(k, 100, 3.0, 51); // one batch: one step
        RefinerConfig adamW = small(k);
        RefinerConfig adam = adamW.withOptimizer(OptimizerKind.ADAM, 0);
        RefinerConfig adamWNoDecay = adamW.withOptimizer(OptimizerKind.ADAMW, 0);
        try (RefinementMlp w = new RefinementMlp(adamW, 9);
                RefinementMlp a = new RefinementMlp(adam, 9);
                RefinementMlp w0 = new RefinementMlp(adamWNoDecay, 9)) {
            List<float[]> p0 = w.snapshot().parameters();
            w.trainEpoch(data.logits, data.labels, CE_AND_KL, 5);
            a.trainEpoch(data.logits, data.labels, CE_AND_KL, 5);
            w0.trainEpoch(data.logits, data.labels, CE_AND_KL, 5);
            RefinerState sw = w.snapshot();
            RefinerState sa = a.snapshot();
            // without decay the two rules are the same computation
            assertSameState(new RefinerState(adam, w0.snapshot().step(), w0.snapshot().parameters(),
                    w0.snapshot().firstMoments(), w0.snapshot().secondMoments()), sa);
            // the gradient at step 1 is the same, so are the moments
            for (int i = 0; i < p0.size(); i++) {
                assertThat(sw.firstMoments().get(i)).isEqualTo(sa.firstMoments().get(i));
                assertThat(sw.secondMoments().get(i)).isEqualTo(sa.secondMoments().get(i));
                // and the parameters differ by exactly the decoupled decay: -lr * wd * p0
                float[] pw = sw.parameters().get(i);
                float[] pa = sa.parameters().get(i);
                boolean anyDifferent = false;
                for (int j = 0; j < pw.length; j++) {
                    double expected = -adamW.learningRate() * adamW.weightDecay() * p0.get(i)[j];
                    assertThat((double) pw[j] - pa[j]).isCloseTo(expected, within(2e-7));
                    anyDifferent |= pw[j] != pa[j];
                }
                assertThat(anyDifferent).isTrue();
            }
        }
    }

    // ------------------------------------------------------------------ artefact and inference

    @Test
    void parametersRoundTripThroughTheBinaryArtefact() throws Exception {
        RefinerConfig config = small(7);
        SyntheticLogits data = SyntheticLogits.random(7, 30, 3.0, 61);
        try (RefinementMlp mlp = new RefinementMlp(config, 13)) {
            mlp.trainEpoch(data.logits, data.labels, CE_AND_KL, 1);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            mlp.writeParameters(out);
            assertThat((long) out.size()).isEqualTo(mlp.encodedParameterBytes());
            assertThat(mlp.parameterBytes()).isEqualTo(4L * config.parameterCount());
            // 6 CRFT headers: 3 weights of rank 2 (16 bytes) and 3 biases of rank 1 (12 bytes)
            assertThat(mlp.encodedParameterBytes()).isEqualTo(mlp.parameterBytes() + 3 * 16 + 3 * 12);
            try (RefinementMlp loaded = RefinementMlp.readParameters(config,
                    new ByteArrayInputStream(out.toByteArray()))) {
                assertThat(loaded.step()).isZero();
                assertThat(loaded.refine(data.logits, data.n())).isEqualTo(mlp.refine(data.logits, data.n()));
            }
            assertThatThrownBy(() -> RefinementMlp.readParameters(small(8),
                    new ByteArrayInputStream(out.toByteArray()))).isInstanceOf(java.io.IOException.class);
        }
    }

    @Test
    void refineLeavesParametersAloneAndChunksLargeInputs() {
        int k = 3;
        int n = RefinementMlp.REFINE_CHUNK_ROWS + 100;
        SyntheticLogits data = SyntheticLogits.random(k, n, 3.0, 71);
        try (RefinementMlp mlp = new RefinementMlp(RefinerConfig.reference(k).withHidden(16), 17)) {
            RefinerState before = mlp.snapshot();
            float[] all = mlp.refine(data.logits, n);
            assertSameState(mlp.snapshot(), before);
            float[] tail = mlp.refine(java.util.Arrays.copyOfRange(data.logits, (n - 100) * k, n * k), 100);
            assertThat(java.util.Arrays.copyOfRange(all, (n - 100) * k, n * k)).isEqualTo(tail);
        }
    }

    @Test
    void trainsOnAThreadOtherThanTheEnginesAndInferenceDoesNotTrackGradients() throws Exception {
        SyntheticLogits data = SyntheticLogits.random(5, 40, 3.0, 81);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<TrainStats> stats = new AtomicReference<>();
        try (RefinementMlp mlp = new RefinementMlp(small(5), 19)) {
            Thread worker = new Thread(() -> {
                try {
                    mlp.refine(data.logits, data.n());
                    stats.set(mlp.trainEpoch(data.logits, data.labels, CE_AND_KL, 1));
                    mlp.refine(data.logits, data.n());
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            worker.start();
            worker.join();
            assertThat(failure.get()).isNull();
            assertThat(stats.get().steps()).isEqualTo(1);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static void assertSameState(RefinerState actual, RefinerState expected) {
        assertThat(actual.step()).isEqualTo(expected.step());
        for (int i = 0; i < expected.parameters().size(); i++) {
            assertThat(actual.parameters().get(i)).as("parameter %d", i).isEqualTo(expected.parameters().get(i));
            assertThat(actual.firstMoments().get(i)).as("m %d", i).isEqualTo(expected.firstMoments().get(i));
            assertThat(actual.secondMoments().get(i)).as("v %d", i).isEqualTo(expected.secondMoments().get(i));
        }
    }

    private static void assertClose(float[] actual, double[] expected, double tolerance) {
        assertThat(actual).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) actual[i]).as("index %d", i).isCloseTo(expected[i], within(tolerance));
        }
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    private static double[] softmax(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double x : z) {
            max = Math.max(max, x);
        }
        double sum = 0;
        double[] out = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            out[i] = Math.exp(z[i] - max);
            sum += out[i];
        }
        for (int i = 0; i < z.length; i++) {
            out[i] /= sum;
        }
        return out;
    }
}
