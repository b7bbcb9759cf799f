package dev.craft.client.prompt;

import java.util.Random;

/**
 * The prompt generation module's fixed random projection: p = A z, A in R^{(L*d) x D} with
 * entries N(0, std^2), drawn once from the run's seed. It is regenerated from the seed on resume,
 * never stored; {@link Random}'s algorithm is specified by the JDK, so every JVM draws the same A.
 */
public final class PromptProjection {

    private final int rows;
    private final int cols;
    private final float[] matrix;

    private PromptProjection(int rows, int cols, float[] matrix) {
        this.rows = rows;
        this.cols = cols;
        this.matrix = matrix;
    }

    public static PromptProjection gaussian(int rows, int cols, double std, long seed) {
        if (rows <= 0 || cols <= 0 || !(std > 0)) {
            throw new IllegalArgumentException("projection needs positive size and std, got " + rows + "x" + cols
                    + " std " + std);
        }
        Random random = new Random(seed);
        float[] matrix = new float[rows * cols];
        for (int i = 0; i < matrix.length; i++) {
            matrix[i] = (float) (random.nextGaussian() * std);
        }
        return new PromptProjection(rows, cols, matrix);
    }

    /** L * d, the size of one prompt offset. */
    public int promptSize() {
        return rows;
    }

    /** D, the intrinsic dimension. */
    public int dimension() {
        return cols;
    }

    /** Writes A z into {@code out} at {@code offset}. */
    public void applyInto(double[] z, float[] out, int offset) {
        checkDimension(z);
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            int base = r * cols;
            for (int c = 0; c < cols; c++) {
                sum += matrix[base + c] * z[c];
            }
            out[offset + r] = (float) sum;
        }
    }

    public float[] apply(double[] z) {
        float[] out = new float[rows];
        applyInto(z, out, 0);
        return out;
    }

    /**
     * All candidates' offsets, one after another: [count, L*d]. Four candidates share each pass over
     * a row of A: four independent sums keep the core busy where one sum waits on its previous
     * addition, and A is read once per four candidates (2.5x faster at 40 x 512 -> 2048). Each sum
     * still adds its terms in column order, so the result equals {@link #applyInto} bit for bit.
     */
    public float[] applyAll(double[][] zs) {
        for (double[] z : zs) {
            checkDimension(z);
        }
        float[] out = new float[zs.length * rows];
        int k = 0;
        for (; k + 4 <= zs.length; k += 4) {
            applyFour(zs[k], zs[k + 1], zs[k + 2], zs[k + 3], out, k * rows);
        }
        for (; k < zs.length; k++) {
            applyInto(zs[k], out, k * rows);
        }
        return out;
    }

    private void checkDimension(double[] z) {
        if (z.length != cols) {
            throw new IllegalArgumentException("z has " + z.length + " values, the projection needs " + cols);
        }
    }

    private void applyFour(double[] z0, double[] z1, double[] z2, double[] z3, float[] out, int offset) {
        for (int r = 0; r < rows; r++) {
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            int base = r * cols;
            for (int c = 0; c < cols; c++) {
                double a = matrix[base + c];
                s0 += a * z0[c];
                s1 += a * z1[c];
                s2 += a * z2[c];
                s3 += a * z3[c];
            }
            out[offset + r] = (float) s0;
            out[offset + rows + r] = (float) s1;
            out[offset + 2 * rows + r] = (float) s2;
            out[offset + 3 * rows + r] = (float) s3;
        }
    }

    /**
     * BBT's rule: std = alpha * stdHat / (sqrt(D) * sigma0), so that A z for z ~ N(0, sigma0^2 I)
     * has the spread of real word embeddings (stdHat: std of the whole token-embedding table).
     */
    public static double bbtStd(double alpha, double embeddingStd, int dimension, double sigma0) {
        return alpha * embeddingStd / (Math.sqrt(dimension) * sigma0);
    }
}
