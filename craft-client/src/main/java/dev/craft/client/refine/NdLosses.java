package dev.craft.client.refine;

import ai.djl.ndarray.NDArray;

/**
 * The training losses on DJL arrays (differentiable through DJL autograd). Logits are
 * {@code [B, K]} float32, labels {@code [B]} int64; every loss is the mean over the B samples.
 * {@link Losses} holds the same formulas in plain Java.
 */
public final class NdLosses {

    private NdLosses() {
    }

    /** Mean over samples of -log softmax(logits)[y]. */
    public static NDArray crossEntropy(NDArray logits, NDArray labels) {
        NDArray logq = logits.logSoftmax(1);
        return crossEntropyFromLogSoftmax(logq, labels);
    }

    /** KL(softmax(target) || softmax(input)), summed over classes, averaged over samples. */
    public static NDArray kl(NDArray target, NDArray input) {
        return klFromLogSoftmax(target, input.logSoftmax(1));
    }

    static NDArray crossEntropyFromLogSoftmax(NDArray logq, NDArray labels) {
        return logq.gather(labels.reshape(-1, 1), 1).mean().neg();
    }

    static NDArray klFromLogSoftmax(NDArray target, NDArray logq) {
        NDArray logp = target.logSoftmax(1);
        NDArray p = logp.exp();
        return p.mul(logp.sub(logq)).sum(new int[] {1}).mean();
    }
}
