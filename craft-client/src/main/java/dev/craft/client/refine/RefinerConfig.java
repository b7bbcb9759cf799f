package dev.craft.client.refine;

/**
 * Shape and optimiser of the prediction-refinement network g.
 *
 * <p>Architecture: {@code layers} Linear layers with ReLU between them, V*K -> hidden -> ... ->
 * hidden -> K ({@code layers = 1} is the linear ablation, one Linear V*K -> K, and then
 * {@code linear} must be true). The input is the logits of V prompts ("views") side by side,
 * [f_1 | ... | f_V]; with one view it is the box's logits f. With {@code residual} the refined
 * logits are r = f_V + g(f_1..f_V), without it r = g(f_1..f_V): the last view is the base.
 *
 * <p>Optimiser: Adam (Kingma &amp; Ba) with bias correction. {@link OptimizerKind#ADAMW} applies
 * {@code weightDecay} decoupled, as torch.optim.AdamW ({@code p -= lr * wd * p} before the Adam
 * step); {@link OptimizerKind#ADAM} adds it to the gradient as L2, as torch.optim.Adam (the
 * reference uses 0).
 *
 * @param classes      K, the number of classes (input and output width)
 * @param hidden       hidden width (unused when {@code layers == 1})
 * @param layers       number of Linear layers, at least 1
 * @param residual     r = f + g(f) when true, r = g(f) when false
 * @param linear       the linear ablation (exactly when {@code layers == 1})
 * @param optimizer    Adam or AdamW
 * @param learningRate step size lr
 * @param batchSize    mini-batch size; the last batch of an epoch may be smaller
 * @param beta1        first-moment decay
 * @param beta2        second-moment decay
 * @param eps          denominator epsilon
 * @param weightDecay  decoupled (AdamW) or L2 (Adam) weight decay
 * @param views        V, the prompts whose logits make one input row; null (a config written before
 *                     views existed) reads as 1
 */
public record RefinerConfig(
        int classes,
        int hidden,
        int layers,
        boolean residual,
        boolean linear,
        OptimizerKind optimizer,
        double learningRate,
        int batchSize,
        double beta1,
        double beta2,
        double eps,
        double weightDecay,
        Integer views) {

    /** The optimiser update rule. */
    public enum OptimizerKind {
        /** torch.optim.Adam: weight decay, if any, as L2 added to the gradient. */
        ADAM,
        /** torch.optim.AdamW: decoupled weight decay (default 0.01). */
        ADAMW
    }

    /** torch.optim.AdamW's default weight decay. */
    public static final double ADAMW_DEFAULT_WEIGHT_DECAY = 0.01;

    public RefinerConfig {
        if (views == null) {
            views = 1;
        }
        if (views < 1) {
            throw new IllegalArgumentException("views must be >= 1, got " + views);
        }
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be >= 2, got " + classes);
        }
        if (layers < 1) {
            throw new IllegalArgumentException("layers must be >= 1, got " + layers);
        }
        if (linear != (layers == 1)) {
            throw new IllegalArgumentException("linear must be true exactly when layers == 1 (layers=" + layers
                    + ", linear=" + linear + ")");
        }
        if (layers > 1 && hidden < 1) {
            throw new IllegalArgumentException("hidden must be >= 1, got " + hidden);
        }
        if (optimizer == null) {
            throw new IllegalArgumentException("optimizer is required");
        }
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be > 0, got " + learningRate);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("betas must lie in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("eps must be > 0, got " + eps);
        }
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
        }
    }

    /** The paper's text: 3 Linear layers K -> 512 -> 512 -> K, residual, AdamW (wd 0.01), lr 1e-3, batch 256. */
    public static RefinerConfig paper(int classes) {
        return new RefinerConfig(classes, 512, 3, true, false, OptimizerKind.ADAMW, 1e-3, 256,
                0.9, 0.999, 1e-8, ADAMW_DEFAULT_WEIGHT_DECAY, 1);
    }

    /**
     * The reference code: Linear(K, 256) - ReLU - Linear(256, K), residual, Adam (no weight decay),
     * lr 1e-3, batch 256. (The reference uses hidden 512 for ImageNet and batch 64 for Pets: use
     * {@link #withHidden} and {@link #withBatchSize}.)
     */
    public static RefinerConfig reference(int classes) {
        return new RefinerConfig(classes, 256, 2, true, false, OptimizerKind.ADAM, 1e-3, 256,
                0.9, 0.999, 1e-8, 0.0, 1);
    }

    /** Number of parameter tensors (weight and bias per layer). */
    public int parameterTensors() {
        return 2 * layers;
    }

    /** Input width of Linear layer {@code layer}. */
    public int inWidth(int layer) {
        return layer == 0 ? inputWidth() : hidden;
    }

    /** Width of one input row: V views of K logits. */
    public int inputWidth() {
        return views * classes;
    }

    /** The last view's logits [N, K] of input rows [N, V*K]: the residual's base and the KL term's f. */
    public float[] baseView(float[] inputs) {
        return ViewRows.lastView(inputs, inputs.length / inputWidth(), classes);
    }

    /** Output width of Linear layer {@code layer}. */
    public int outWidth(int layer) {
        return layer == layers - 1 ? classes : hidden;
    }

    /** Total number of scalar parameters. */
    public long parameterCount() {
        long n = 0;
        for (int l = 0; l < layers; l++) {
            n += (long) outWidth(l) * inWidth(l) + outWidth(l);
        }
        return n;
    }

    public RefinerConfig withHidden(int newHidden) {
        return new RefinerConfig(classes, newHidden, layers, residual, linear, optimizer, learningRate, batchSize,
                beta1, beta2, eps, weightDecay, views);
    }

    public RefinerConfig withLayers(int newLayers) {
        return new RefinerConfig(classes, hidden, newLayers, residual, newLayers == 1, optimizer, learningRate,
                batchSize, beta1, beta2, eps, weightDecay, views);
    }

    /** The linear ablation: g is one Linear K -> K. */
    public RefinerConfig asLinear() {
        return withLayers(1);
    }

    public RefinerConfig withResidual(boolean newResidual) {
        return new RefinerConfig(classes, hidden, layers, newResidual, linear, optimizer, learningRate, batchSize,
                beta1, beta2, eps, weightDecay, views);
    }

    /** Switches the optimiser, keeping every other setting (including the weight decay). */
    public RefinerConfig withOptimizer(OptimizerKind newOptimizer, double newWeightDecay) {
        return new RefinerConfig(classes, hidden, layers, residual, linear, newOptimizer, learningRate, batchSize,
                beta1, beta2, eps, newWeightDecay, views);
    }

    public RefinerConfig withLearningRate(double newLearningRate) {
        return new RefinerConfig(classes, hidden, layers, residual, linear, optimizer, newLearningRate, batchSize,
                beta1, beta2, eps, weightDecay, views);
    }

    public RefinerConfig withBatchSize(int newBatchSize) {
        return new RefinerConfig(classes, hidden, layers, residual, linear, optimizer, learningRate, newBatchSize,
                beta1, beta2, eps, weightDecay, views);
    }

    /** The same network reading the logits of {@code newViews} prompts side by side. */
    public RefinerConfig withViews(int newViews) {
        return new RefinerConfig(classes, hidden, layers, residual, linear, optimizer, learningRate, batchSize,
                beta1, beta2, eps, weightDecay, newViews);
    }
}
