package dev.craft.client.refine;

/**
 * CraFT's losses in plain Java, double precision, for logits stored row-major as {@code [N, K]}.
 * Softmax is taken over each row at temperature 1 with the max-shifted (numerically stable)
 * log-sum-exp.
 */
public final class Losses {

    private Losses() {
    }

    /** Mean over samples of -log softmax(logits)[y]. */
    public static double crossEntropy(float[] logits, int[] labels, int k) {
        int n = rows(logits, k);
        requireLabels(labels, n, k);
        double[] logp = new double[k];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            logSoftmax(logits, i * k, k, logp);
            sum -= logp[labels[i]];
        }
        return sum / n;
    }

    /**
     * KL(P || Q) = sum_c P_c (log P_c - log Q_c) with P = softmax(target), Q = softmax(input),
     * averaged over samples (torch's {@code kl_div(log_softmax(input), softmax(target),
     * reduction="batchmean")}).
     */
    public static double kl(float[] target, float[] input, int k) {
        int n = rows(target, k);
        if (input.length != target.length) {
            throw new IllegalArgumentException("target and input differ in size: " + target.length + " vs "
                    + input.length);
        }
        double[] logp = new double[k];
        double[] logq = new double[k];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            logSoftmax(target, i * k, k, logp);
            logSoftmax(input, i * k, k, logq);
            for (int c = 0; c < k; c++) {
                double p = Math.exp(logp[c]);
                if (p > 0) {
                    sum += p * (logp[c] - logq[c]);
                }
            }
        }
        return sum / n;
    }

    /** Fraction of rows whose argmax (first index on ties) equals the label. */
    public static double accuracy(float[] logits, int[] labels, int k) {
        int n = rows(logits, k);
        requireLabels(labels, n, k);
        int[] predicted = argmax(logits, k);
        int correct = 0;
        for (int i = 0; i < n; i++) {
            if (predicted[i] == labels[i]) {
                correct++;
            }
        }
        return (double) correct / n;
    }

    /** Row-wise argmax, first index on ties. */
    public static int[] argmax(float[] logits, int k) {
        int n = rows(logits, k);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int base = i * k;
            int best = 0;
            for (int c = 1; c < k; c++) {
                if (logits[base + c] > logits[base + best]) {
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }

    /**
     * The prompt-generation fitness of one candidate z (paper Eq. 5, lower is better):
     * CE(f_z, y) + lambdaKl * KL(softmax(r_z) || softmax(f_z)), where r_z = f_z + g(f_z) is the
     * refined prediction (the target) and f_z the raw box prediction (the input).
     *
     * @param boxLogits     f_z, {@code [N, K]}
     * @param refinedLogits r_z, {@code [N, K]}
     */
    public static double fitness(float[] boxLogits, float[] refinedLogits, int[] labels, int k, double lambdaKl) {
        double ce = crossEntropy(boxLogits, labels, k);
        if (lambdaKl == 0) {
            return ce;
        }
        return ce + lambdaKl * kl(refinedLogits, boxLogits, k);
    }

    /** log softmax of {@code k} values starting at {@code offset}, into {@code out}. */
    static void logSoftmax(float[] logits, int offset, int k, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
            max = Math.max(max, logits[offset + c]);
        }
        double sum = 0;
        for (int c = 0; c < k; c++) {
            sum += Math.exp(logits[offset + c] - max);
        }
        double logZ = max + Math.log(sum);
        for (int c = 0; c < k; c++) {
            out[c] = logits[offset + c] - logZ;
        }
    }

    private static int rows(float[] logits, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        if (logits.length == 0 || logits.length % k != 0) {
            throw new IllegalArgumentException("logits length " + logits.length + " is not a positive multiple of K="
                    + k);
        }
        return logits.length / k;
    }

    private static void requireLabels(int[] labels, int n, int k) {
        if (labels.length != n) {
            throw new IllegalArgumentException("expected " + n + " labels, got " + labels.length);
        }
        for (int y : labels) {
            if (y < 0 || y >= k) {
                throw new IllegalArgumentException("label " + y + " outside [0, " + k + ")");
            }
        }
    }
}
