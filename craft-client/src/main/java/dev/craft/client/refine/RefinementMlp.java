package dev.craft.client.refine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.craft.api.Tensor;
import dev.craft.api.TensorCodec;
import dev.craft.client.DjlRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The prediction-refinement network g of CraFT on DJL (PyTorch engine): an MLP on the box's
 * logits f, refined logits r = f + g(f) (or r = g(f) without the residual).
 *
 * <p><b>Parameters</b> are created from Java arrays initialised here with a seeded
 * {@link SplittableRandom}, as PyTorch's nn.Linear default does it: weight and bias both
 * U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (kaiming-uniform with a = sqrt(5)). Weights are stored
 * {@code [out, in]} like nn.Linear. The result depends only on the seed, never on engine RNG.
 *
 * <p><b>Training</b> uses DJL autograd for the gradients and this class's own Adam / AdamW
 * update (bias-corrected; AdamW's decoupled decay {@code p -= lr * wd * p} is applied before
 * the Adam step, as torch.optim.AdamW). The moments m, v and the step count live here.
 * On a single-threaded CPU engine, runs from the same seeds are bit-identical, and
 * {@link #snapshot()} / {@link #restore(RefinerState)} continue training bit-identically.
 *
 * <p><b>Artefact format</b> ({@link #writeParameters}): the parameter tensors in
 * {@link RefinerState} order (per layer: weight {@code [out, in]}, then bias {@code [out]}),
 * each one CRFT tensor ({@link TensorCodec}), concatenated. The architecture flags (residual,
 * linear) are not in this stream; the artefact stores the {@link RefinerConfig} beside it.
 *
 * <p>Not thread-safe. Holds native memory: close it.
 */
public final class RefinementMlp implements AutoCloseable {

    /** Rows per forward chunk in {@link #refine}, bounding native memory on large test sets. */
    static final int REFINE_CHUNK_ROWS = 8192;

    private final RefinerConfig config;
    private final NDManager manager;
    private final Engine engine;
    private final NDArray[] params;
    private final NDArray[] firstMoments;
    private final NDArray[] secondMoments;
    private long step;
    private boolean closed;

    /** A fresh network on the CPU, parameters drawn from {@code initSeed}. */
    public RefinementMlp(RefinerConfig config, long initSeed) {
        this(config, initSeed, Device.cpu());
    }

    /** A fresh network on {@code device}, parameters drawn from {@code initSeed}. */
    public RefinementMlp(RefinerConfig config, long initSeed, Device device) {
        this(config, initialParameters(config, initSeed), null, null, 0, device);
    }

    private RefinementMlp(RefinerConfig config, float[][] values, float[][] m, float[][] v, long step,
            Device device) {
        DjlRuntime.configure();
        this.config = config;
        this.engine = Engine.getEngine("PyTorch");
        this.manager = engine.newBaseManager(device);
        int tensors = config.parameterTensors();
        this.params = new NDArray[tensors];
        this.firstMoments = new NDArray[tensors];
        this.secondMoments = new NDArray[tensors];
        load(values, m, v, step);
    }

    /** A network continuing from {@code state} (parameters, moments and step) on the CPU. */
    public static RefinementMlp fromState(RefinerState state) {
        return fromState(state, Device.cpu());
    }

    /** A network continuing from {@code state} on {@code device}. */
    public static RefinementMlp fromState(RefinerState state, Device device) {
        return new RefinementMlp(state.config(), toArray(state.parameters()), toArray(state.firstMoments()),
                toArray(state.secondMoments()), state.step(), device);
    }

    /**
     * A network with the parameters of an artefact written by {@link #writeParameters}, with a
     * fresh optimiser (step 0).
     */
    public static RefinementMlp readParameters(RefinerConfig config, InputStream in) throws IOException {
        return readParameters(config, in, Device.cpu());
    }

    public static RefinementMlp readParameters(RefinerConfig config, InputStream in, Device device)
            throws IOException {
        float[][] values = new float[config.parameterTensors()][];
        for (int i = 0; i < values.length; i++) {
            int[] shape = tensorShape(config, i);
            Tensor t = TensorCodec.read(in, tensorSize(config, i));
            if (!Arrays.equals(t.shape(), shape)) {
                throw new IOException("refiner tensor " + i + " has shape " + Arrays.toString(t.shape())
                        + ", config expects " + Arrays.toString(shape));
            }
            values[i] = t.data();
        }
        return new RefinementMlp(config, values, null, null, 0, device);
    }

    public RefinerConfig config() {
        return config;
    }

    /** Optimiser steps taken so far. */
    public long step() {
        return step;
    }

    /** Number of scalar parameters. */
    public long parameterCount() {
        return config.parameterCount();
    }

    /** Size of the parameters as float32 (the MLP part of the tuned artefact). */
    public long parameterBytes() {
        return 4L * config.parameterCount();
    }

    /** Bytes {@link #writeParameters} writes (values plus CRFT headers). */
    public long encodedParameterBytes() {
        long n = 0;
        for (int i = 0; i < config.parameterTensors(); i++) {
            n += TensorCodec.encodedBytes(tensorShape(config, i));
        }
        return n;
    }

    /**
     * Refined logits r {@code [n, K]} for {@code n} input rows {@code [n, V*K]}: the box's logits,
     * or V prompts' logits side by side (inference: no gradient tracking, parameters unchanged).
     */
    public float[] refine(float[] inputs, int n) {
        ensureOpen();
        int k = config.classes();
        int width = config.inputWidth();
        if (n < 0 || (long) n * width != inputs.length) {
            throw new IllegalArgumentException("expected " + n + " x " + width + " inputs, got " + inputs.length);
        }
        float[] out = new float[n * k];
        try (GradMode ignored = GradMode.disabled()) {
            for (int start = 0; start < n; start += REFINE_CHUNK_ROWS) {
                int rows = Math.min(REFINE_CHUNK_ROWS, n - start);
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray f = manager.create(Arrays.copyOfRange(inputs, start * width, (start + rows) * width),
                            new Shape(rows, width));
                    float[] r = forward(f).toFloatArray();
                    System.arraycopy(r, 0, out, start * k, r.length);
                }
            }
        }
        return out;
    }

    /**
     * One epoch: the rows visited in an order shuffled by {@code shuffleSeed} (Fisher–Yates),
     * cut into mini-batches of {@code batchSize} (the last one may be smaller), one optimiser
     * step per batch on L_PR = CE(r, y) + beta * [klEnabled] * KL(softmax(f) || softmax(r)), f the
     * last view's logits.
     *
     * @param logits input rows {@code [N, V*K]} row-major (the box's logits f when V = 1)
     * @param labels N labels in [0, K)
     */
    public TrainStats trainEpoch(float[] logits, int[] labels, TrainLoss loss, long shuffleSeed) {
        ensureOpen();
        int k = config.classes();
        int width = config.inputWidth();
        int n = labels.length;
        if (n == 0 || (long) n * width != logits.length) {
            throw new IllegalArgumentException("expected " + n + " x " + width + " inputs, got " + logits.length);
        }
        for (int y : labels) {
            if (y < 0 || y >= k) {
                throw new IllegalArgumentException("label " + y + " outside [0, " + k + ")");
            }
        }
        int[] order = shuffledOrder(n, shuffleSeed);
        int batchSize = config.batchSize();
        int steps = 0;
        double lossSum = 0;
        double ceSum = 0;
        double klSum = 0;
        long correct = 0;
        float[] batchLogits = new float[Math.min(batchSize, n) * width];
        long[] batchLabels = new long[Math.min(batchSize, n)];
        for (int start = 0; start < n; start += batchSize) {
            int b = Math.min(batchSize, n - start);
            if (b != batchLabels.length) {
                batchLogits = new float[b * width];
                batchLabels = new long[b];
            }
            for (int j = 0; j < b; j++) {
                int row = order[start + j];
                System.arraycopy(logits, row * width, batchLogits, j * width, width);
                batchLabels[j] = labels[row];
            }
            BatchResult result = trainStep(batchLogits, batchLabels, loss);
            steps++;
            lossSum += result.loss * b;
            ceSum += result.crossEntropy * b;
            klSum += result.kl * b;
            correct += result.correct;
        }
        return new TrainStats(steps, n, lossSum / n, ceSum / n, klSum / n, (double) correct / n, step);
    }

    /** A copy of the parameters, moments and step count. */
    public RefinerState snapshot() {
        ensureOpen();
        return new RefinerState(config, step, toList(params), toList(firstMoments), toList(secondMoments));
    }

    /**
     * Replaces parameters, moments and step with those of {@code state}; its config must equal
     * this network's.
     */
    public void restore(RefinerState state) {
        ensureOpen();
        if (!state.config().equals(config)) {
            throw new IllegalArgumentException("state config " + state.config() + " differs from " + config);
        }
        load(toArray(state.parameters()), toArray(state.firstMoments()), toArray(state.secondMoments()),
                state.step());
    }

    /** Writes the parameters as concatenated CRFT tensors (see the class comment). */
    public void writeParameters(OutputStream out) throws IOException {
        ensureOpen();
        for (int i = 0; i < params.length; i++) {
            TensorCodec.write(tensorShape(config, i), params[i].toFloatArray(), 0, out);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            manager.close();
        }
    }

    // ---------------------------------------------------------------- internals

    private record BatchResult(double loss, double crossEntropy, double kl, int correct) {
    }

    private BatchResult trainStep(float[] batchLogits, long[] batchLabels, TrainLoss loss) {
        int b = batchLabels.length;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray inputs = manager.create(batchLogits, new Shape(b, config.inputWidth()));
            NDArray y = manager.create(batchLabels, new Shape(b));
            double lossValue;
            double ceValue;
            double klValue = 0;
            int correct = 0;
            try (GradientCollector collector = engine.newGradientCollector()) {
                NDArray r = forward(inputs);
                NDArray logq = r.logSoftmax(1);
                NDArray ce = NdLosses.crossEntropyFromLogSoftmax(logq, y);
                NDArray total = ce;
                NDArray kl = null;
                if (loss.klActive()) {
                    kl = NdLosses.klFromLogSoftmax(baseView(inputs), logq);
                    total = ce.add(kl.mul((float) loss.klWeight()));
                }
                collector.backward(total);
                lossValue = total.toFloatArray()[0];
                ceValue = ce.toFloatArray()[0];
                if (kl != null) {
                    klValue = kl.toFloatArray()[0];
                }
                long[] predicted = r.argMax(1).toLongArray();
                for (int j = 0; j < b; j++) {
                    if (predicted[j] == batchLabels[j]) {
                        correct++;
                    }
                }
            }
            try (GradMode ignored = GradMode.disabled()) {
                adamStep();
            }
            return new BatchResult(lossValue, ceValue, klValue, correct);
        }
    }

    /** r = f_V + g(inputs) or g(inputs). */
    private NDArray forward(NDArray inputs) {
        NDArray h = inputs;
        int layers = config.layers();
        for (int l = 0; l < layers; l++) {
            h = h.matMul(params[2 * l].transpose()).add(params[2 * l + 1]);
            if (l < layers - 1) {
                h = Activation.relu(h);
            }
        }
        return config.residual() ? baseView(inputs).add(h) : h;
    }

    /** The last view's K columns of input rows (the rows themselves with one view). */
    private NDArray baseView(NDArray inputs) {
        int k = config.classes();
        return config.views() == 1 ? inputs : inputs.get(new NDIndex(":, {}:", config.inputWidth() - k));
    }

    /**
     * One Adam / AdamW step on the gradients left by the backward pass, then the gradients are
     * zeroed (DJL's PyTorch collector accumulates them across backward calls). Runs with grad
     * mode off so the in-place updates of leaf tensors are allowed.
     */
    private void adamStep() {
        step++;
        double lr = config.learningRate();
        double beta1 = config.beta1();
        double beta2 = config.beta2();
        double wd = config.weightDecay();
        boolean decoupled = config.optimizer() == RefinerConfig.OptimizerKind.ADAMW;
        double biasCorrection1 = 1 - Math.pow(beta1, step);
        double biasCorrection2 = 1 - Math.pow(beta2, step);
        float stepSize = (float) (lr / biasCorrection1);
        float biasCorrection2Sqrt = (float) Math.sqrt(biasCorrection2);
        for (int i = 0; i < params.length; i++) {
            NDArray p = params[i];
            NDArray g = p.getGradient();
            if (wd != 0) {
                if (decoupled) {
                    p.muli((float) (1 - lr * wd));
                } else {
                    g = g.add(p.mul((float) wd));
                }
            }
            NDArray m = firstMoments[i];
            NDArray v = secondMoments[i];
            m.muli((float) beta1).addi(g.mul((float) (1 - beta1)));
            v.muli((float) beta2).addi(g.mul(g).muli((float) (1 - beta2)));
            NDArray denom = v.sqrt().divi(biasCorrection2Sqrt).addi((float) config.eps());
            p.subi(m.div(denom).muli(stepSize));
            JniUtils.zeroGrad((PtNDArray) p);
        }
    }

    private void load(float[][] values, float[][] m, float[][] v, long newStep) {
        for (int i = 0; i < params.length; i++) {
            Shape shape = new Shape(Arrays.stream(tensorShape(config, i)).asLongStream().toArray());
            NDArray p = manager.create(values[i], shape);
            p.setRequiresGradient(true);
            NDArray mi = m == null ? manager.zeros(shape) : manager.create(m[i], shape);
            NDArray vi = v == null ? manager.zeros(shape) : manager.create(v[i], shape);
            // Arrays created while a caller's NDScope is open would be closed with it.
            NDScope.unregister(p, mi, vi);
            closeIfPresent(params[i]);
            closeIfPresent(firstMoments[i]);
            closeIfPresent(secondMoments[i]);
            params[i] = p;
            firstMoments[i] = mi;
            secondMoments[i] = vi;
        }
        step = newStep;
    }

    private static void closeIfPresent(NDArray array) {
        if (array != null) {
            array.close();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("refinement network is closed");
        }
    }

    static int[] shuffledOrder(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /**
     * nn.Linear's default initialisation, drawn in parameter order (layer by layer, weight
     * row-major then bias): every value U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
     */
    static float[][] initialParameters(RefinerConfig config, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] values = new float[config.parameterTensors()][];
        for (int l = 0; l < config.layers(); l++) {
            double bound = 1.0 / Math.sqrt(config.inWidth(l));
            for (int t = 0; t < 2; t++) {
                int i = 2 * l + t;
                float[] a = new float[tensorSize(config, i)];
                for (int j = 0; j < a.length; j++) {
                    a[j] = (float) ((2 * random.nextDouble() - 1) * bound);
                }
                values[i] = a;
            }
        }
        return values;
    }

    /** Shape of parameter tensor {@code i}: weight {@code [out, in]} for even i, bias {@code [out]} for odd. */
    static int[] tensorShape(RefinerConfig config, int i) {
        int layer = i / 2;
        return i % 2 == 0
                ? new int[] {config.outWidth(layer), config.inWidth(layer)}
                : new int[] {config.outWidth(layer)};
    }

    static int tensorSize(RefinerConfig config, int i) {
        int layer = i / 2;
        return i % 2 == 0 ? config.outWidth(layer) * config.inWidth(layer) : config.outWidth(layer);
    }

    private static List<float[]> toList(NDArray[] arrays) {
        List<float[]> out = new ArrayList<>(arrays.length);
        for (NDArray a : arrays) {
            out.add(a.toFloatArray());
        }
        return out;
    }

    private static float[][] toArray(List<float[]> list) {
        float[][] out = new float[list.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i).clone();
        }
        return out;
    }

    /**
     * Sets libtorch's thread-local grad mode and restores it on close. DJL's engine switches grad
     * mode off only on the thread that started it, so other threads must do it themselves.
     */
    private static final class GradMode implements AutoCloseable {
        private final boolean previous;

        private GradMode(boolean enabled) {
            previous = JniUtils.isGradMode();
            JniUtils.setGradMode(enabled);
        }

        static GradMode disabled() {
            return new GradMode(false);
        }

        @Override
        public void close() {
            JniUtils.setGradMode(previous);
        }
    }
}
