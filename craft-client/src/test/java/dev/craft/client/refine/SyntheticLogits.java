package dev.craft.client.refine;

import java.util.List;
import java.util.SplittableRandom;

/** Test data: box logits with a systematic, learnable error, and a plain-Java forward pass. */
final class SyntheticLogits {

    final int k;
    final float[] logits;
    final int[] labels;

    private SyntheticLogits(int k, float[] logits, int[] labels) {
        this.k = k;
        this.logits = logits;
        this.labels = labels;
    }

    /**
     * K classes; the box puts a score bump on perm(y) instead of y for the upper half of the
     * classes (perm cycles them: 5 -> 6 -> ... -> 9 -> 5 for K=10), plus a smaller bump on y and
     * Gaussian noise. The box is right on the lower half and mostly wrong on the upper half; a
     * refiner can learn the inverse permutation.
     */
    static SyntheticLogits permuted(int k, int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int half = k / 2;
        int[] perm = new int[k];
        for (int c = 0; c < k; c++) {
            perm[c] = c < half ? c : half + (c - half + 1) % (k - half);
        }
        float[] logits = new float[n * k];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int y = random.nextInt(k);
            labels[i] = y;
            for (int c = 0; c < k; c++) {
                logits[i * k + c] = (float) gaussian(random);
            }
            logits[i * k + perm[y]] += 4f;
            logits[i * k + y] += 1.5f;
        }
        return new SyntheticLogits(k, logits, labels);
    }

    /** Given logits and labels. */
    static SyntheticLogits of(int k, float[] logits, int[] labels) {
        return new SyntheticLogits(k, logits, labels);
    }

    /** Random logits of scale {@code scale}, random labels. */
    static SyntheticLogits random(int k, int n, double scale, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] logits = new float[n * k];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (scale * gaussian(random));
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = random.nextInt(k);
        }
        return new SyntheticLogits(k, logits, labels);
    }

    int n() {
        return labels.length;
    }

    static double gaussian(SplittableRandom random) {
        double u1 = random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** g(f) computed in double from the state's parameters (weights [out, in]). */
    static double[] javaG(RefinerConfig config, List<float[]> params, float[] f, int n) {
        int k = config.classes();
        int width = config.inputWidth();
        double[] out = new double[n * k];
        for (int i = 0; i < n; i++) {
            double[] h = new double[width];
            for (int c = 0; c < width; c++) {
                h[c] = f[i * width + c];
            }
            for (int l = 0; l < config.layers(); l++) {
                int in = config.inWidth(l);
                int outW = config.outWidth(l);
                float[] w = params.get(2 * l);
                float[] b = params.get(2 * l + 1);
                double[] next = new double[outW];
                for (int o = 0; o < outW; o++) {
                    double s = b[o];
                    for (int j = 0; j < in; j++) {
                        s += (double) w[o * in + j] * h[j];
                    }
                    next[o] = l < config.layers() - 1 ? Math.max(0, s) : s;
                }
                h = next;
            }
            System.arraycopy(h, 0, out, i * k, k);
        }
        return out;
    }
}
