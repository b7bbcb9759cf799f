package dev.craft.client.refine;

/**
 * How well a linear decoder can read the classes from a set of logits: the leave-one-out
 * cross-entropy of linear discriminant analysis (LDA) fitted on the logits themselves.
 *
 * <p>The logits of N labelled samples are treated as K-dimensional features. Class means m_c and
 * the pooled within-class covariance W are estimated from them; W is shrunk towards a multiple of
 * the identity, S = (1 - a) W + a (tr W / K) I, so that it is invertible with few shots. A sample
 * i of class y is scored against class c by s_ic = f_i' S^-1 m_c - m_c' S^-1 m_c / 2 (equal
 * priors), where m_y is its own class's mean WITHOUT sample i (leave-one-out: a class mean that
 * contains the sample would flatter it). The value is the mean over samples of -log softmax(s_i)_y.
 *
 * <p>Unlike the cross-entropy of the raw logits, it does not ask the logits to point at the right
 * class, only to keep the classes apart: what a refinement network on top of them needs. It costs
 * O(N K^2 + K^3) per call; every class needs at least 2 samples.
 */
public final class LdaSeparability {

    /** Shrinkage a of the within-class covariance towards the scaled identity. */
    public static final double SHRINKAGE = 0.2;

    private LdaSeparability() {
    }

    /** The leave-one-out LDA cross-entropy of {@code logits} [N, K] (row-major) with their labels. */
    public static double crossEntropy(float[] logits, int[] labels, int k) {
        return crossEntropy(logits, k, labels, k);
    }

    /**
     * The leave-one-out LDA cross-entropy of {@code features} [N, width] (row-major), for example the
     * logits of several prompts side by side, with their labels in [0, k).
     */
    public static double crossEntropy(float[] features, int width, int[] labels, int k) {
        int n = labels.length;
        if ((long) n * width != features.length) {
            throw new IllegalArgumentException(features.length + " features for " + n + " labels of width " + width);
        }
        int[] count = new int[k];
        double[][] mean = new double[k][width];
        for (int i = 0; i < n; i++) {
            int y = labels[i];
            count[y]++;
            for (int j = 0; j < width; j++) {
                mean[y][j] += features[i * width + j];
            }
        }
        for (int c = 0; c < k; c++) {
            if (count[c] < 2) {
                throw new IllegalArgumentException("class " + c + " has " + count[c]
                        + " samples; the LDA separability needs at least 2 per class");
            }
            for (int j = 0; j < width; j++) {
                mean[c][j] /= count[c];
            }
        }
        double[][] s = new double[width][width];
        double[] d = new double[width];
        for (int i = 0; i < n; i++) {
            int y = labels[i];
            for (int j = 0; j < width; j++) {
                d[j] = features[i * width + j] - mean[y][j];
            }
            for (int a = 0; a < width; a++) {
                for (int b = 0; b <= a; b++) {
                    s[a][b] += d[a] * d[b];
                }
            }
        }
        double trace = 0;
        for (int a = 0; a < width; a++) {
            for (int b = 0; b <= a; b++) {
                s[a][b] /= n;
                s[b][a] = s[a][b];
            }
            trace += s[a][a];
        }
        double ridge = SHRINKAGE * Math.max(trace / width, 1e-12);
        for (int a = 0; a < width; a++) {
            for (int b = 0; b < width; b++) {
                s[a][b] *= 1 - SHRINKAGE;
            }
            s[a][a] += ridge;
        }
        double[][] chol = cholesky(s);
        double[][] pm = new double[k][];   // S^-1 m_c
        double[] mpm = new double[k];      // m_c' S^-1 m_c
        for (int c = 0; c < k; c++) {
            pm[c] = solve(chol, mean[c]);
            mpm[c] = dot(mean[c], pm[c]);
        }
        double total = 0;
        double[] f = new double[width];
        double[] score = new double[k];
        for (int i = 0; i < n; i++) {
            int y = labels[i];
            for (int j = 0; j < width; j++) {
                f[j] = features[i * width + j];
            }
            for (int c = 0; c < k; c++) {
                score[c] = dot(f, pm[c]) - mpm[c] / 2;
            }
            // own class without sample i: m' = (n m - f) / (n - 1), S^-1 m' = (n S^-1 m - S^-1 f) / (n - 1)
            double[] pf = solve(chol, f);
            double ny = count[y];
            double fpf = dot(f, pf);
            double fpm = dot(f, pm[y]);
            double fpmOwn = (ny * fpm - fpf) / (ny - 1);
            double mpmOwn = (ny * ny * mpm[y] - 2 * ny * fpm + fpf) / ((ny - 1) * (ny - 1));
            score[y] = fpmOwn - mpmOwn / 2;
            double max = Double.NEGATIVE_INFINITY;
            for (double v : score) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (double v : score) {
                sum += Math.exp(v - max);
            }
            total += max + Math.log(sum) - score[y];
        }
        return total / n;
    }

    /** Lower-triangular L with L L' = a (a symmetric positive definite). */
    private static double[][] cholesky(double[][] a) {
        int k = a.length;
        double[][] l = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = a[i][j];
                for (int p = 0; p < j; p++) {
                    sum -= l[i][p] * l[j][p];
                }
                if (i == j) {
                    if (sum <= 0) {
                        throw new IllegalStateException("the shrunk covariance is not positive definite");
                    }
                    l[i][i] = Math.sqrt(sum);
                } else {
                    l[i][j] = sum / l[j][j];
                }
            }
        }
        return l;
    }

    /** x with (L L') x = b. */
    private static double[] solve(double[][] l, double[] b) {
        int k = b.length;
        double[] y = new double[k];
        for (int i = 0; i < k; i++) {
            double sum = b[i];
            for (int p = 0; p < i; p++) {
                sum -= l[i][p] * y[p];
            }
            y[i] = sum / l[i][i];
        }
        double[] x = new double[k];
        for (int i = k - 1; i >= 0; i--) {
            double sum = y[i];
            for (int p = i + 1; p < k; p++) {
                sum -= l[p][i] * x[p];
            }
            x[i] = sum / l[i][i];
        }
        return x;
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
