package dev.craft.client.cmaes;

import java.util.Arrays;

/**
 * Eigendecomposition {@code A = V diag(d) V^T} of a real symmetric {@code n x n} matrix.
 *
 * <p>The classic two-phase algorithm, written from the textbook descriptions (Householder
 * tridiagonalisation as in Golub and Van Loan, "Matrix Computations"; implicit QL with a
 * Wilkinson-type shift as in the EISPACK/Numerical Recipes family):
 * <ol>
 *   <li>Householder reduction {@code A = Q T Q^T} with {@code T} tridiagonal. The rank-2
 *       update of step {@code k} is fused with the matrix-vector product of step {@code k+1}
 *       (one sweep over the trailing block per step instead of two);</li>
 *   <li>backward accumulation of {@code Q = H_0 H_1 ... H_{n-3}}, again fusing the update of
 *       one reflector with the product needed by the next;</li>
 *   <li>implicit QL iterations on {@code T}; each QL sweep's plane rotations are applied to the
 *       basis as one pass that carries the running row in a buffer.</li>
 * </ol>
 *
 * <p>Storage: matrices are arrays of rows ({@code double[n][n]}) and the basis is kept
 * <em>transposed</em> (one basis vector per row). Measured on JDK 17: HotSpot's auto-vectoriser
 * (SuperWord) vectorises {@code y[k] += a * x[k]} over distinct row arrays, but not the same loop
 * over one flat {@code double[]} addressed with run-time offsets ({@code z[i*n+k]}), which was
 * 2-3x slower here; so every hot loop below is a single-store loop over whole rows.
 *
 * <p>An instance owns its work arrays (no allocation per call) and is not thread-safe.
 */
public final class SymmetricEigen {

    private static final double EPS = 0x1.0p-52;
    private static final int MAX_QL_ITERATIONS = 60;

    private final int n;
    private final double[][] a;   // working matrix; row k later holds Householder vector v_k
    private final double[][] q;   // accumulated Q (rows)
    private final double[] beta;  // Householder scalars (0 = identity reflector)
    private final double[] e;     // off-diagonal of T: e[i] = T[i][i+1]
    private final double[] p;     // work vector
    private final double[] w;     // work vector
    private final double[] cs;    // QL sweep rotation cosines
    private final double[] sn;    // QL sweep rotation sines
    private final double[] carry; // QL sweep running row

    public SymmetricEigen(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("dimension must be >= 1, got " + n);
        }
        this.n = n;
        this.a = new double[n][n];
        this.q = new double[n][n];
        this.beta = new double[n];
        this.e = new double[n];
        this.p = new double[n];
        this.w = new double[n];
        this.cs = new double[n];
        this.sn = new double[n];
        this.carry = new double[n];
    }

    public int dimension() {
        return n;
    }

    /**
     * Decomposes {@code matrix = V diag(values) V^T}.
     *
     * @param matrix   symmetric {@code n x n}; not modified. Only the upper triangle
     *                 ({@code j >= i}) is read.
     * @param values   output, length {@code n}: eigenvalues in ascending order
     * @param vectors  output {@code n x n}: {@code vectors[k]} is the unit eigenvector of
     *                 {@code values[k]} (so this is {@code V^T}, {@code V[i][k] = vectors[k][i]})
     * @throws ArithmeticException if the matrix contains non-finite values or QL does not converge
     */
    public void decompose(double[][] matrix, double[] values, double[][] vectors) {
        if (matrix.length != n || values.length != n || vectors.length != n) {
            throw new IllegalArgumentException("array sizes do not match dimension " + n);
        }
        for (int i = 0; i < n; i++) {
            double[] src = matrix[i];
            if (src.length != n || vectors[i].length != n) {
                throw new IllegalArgumentException("row " + i + " does not have length " + n);
            }
            for (int j = i; j < n; j++) {
                double v = src[j];
                if (!Double.isFinite(v)) {
                    throw new ArithmeticException("matrix contains a non-finite value at (" + i + "," + j + ")");
                }
                a[i][j] = v;
                a[j][i] = v;
            }
        }
        tridiagonalize(values);
        accumulate();
        for (int i = 0; i < n; i++) {          // vectors := Q^T (basis vectors as rows)
            double[] qi = q[i];
            for (int j = 0; j < n; j++) {
                vectors[j][i] = qi[j];
            }
        }
        ql(values, vectors);
        sort(values, vectors);
    }

    // ---------------------------------------------------------------- Householder phase

    /**
     * Computes the reflector {@code H = I - b v v^T} with {@code H x = alpha e_1} for
     * {@code x = a[k][k+1..n-1]}; stores v in place of x, b in beta[k], alpha in e[k] and the
     * diagonal element in d[k]. Returns b (0 when x already has the form alpha e_1).
     */
    private double reflector(int k, double[] d) {
        double[] row = a[k];
        int s = k + 1;
        d[k] = row[k];
        double scale = 0.0;
        for (int j = s; j < n; j++) {
            scale = Math.max(scale, Math.abs(row[j]));
        }
        double tail = 0.0;
        if (scale > 0.0) {
            for (int j = s + 1; j < n; j++) {
                double t = row[j] / scale;
                tail += t * t;
            }
        }
        if (tail == 0.0) {
            e[k] = row[s];
            beta[k] = 0.0;
            return 0.0;
        }
        double inv = 1.0 / scale;
        for (int j = s; j < n; j++) {
            row[j] *= inv;
        }
        double x0 = row[s];
        double sigma = Math.sqrt(x0 * x0 + tail);
        double alpha = x0 >= 0 ? -sigma : sigma;
        row[s] = x0 - alpha;                                   // v = x - alpha e_1 (scaled)
        double b = 1.0 / (sigma * (sigma + Math.abs(x0)));     // 2 / (v^T v)
        beta[k] = b;
        e[k] = alpha * scale;
        return b;
    }

    private void tridiagonalize(double[] d) {
        if (n >= 3) {
            // step 0: reflector and p = A' v over the trailing block (rows/cols 1..n-1)
            if (reflector(0, d) != 0.0) {
                double[] v = a[0];
                Arrays.fill(p, 0.0);
                for (int j = 1; j < n; j++) {
                    axpy(p, a[j], v[j], 1, n);
                }
            }
            for (int k = 0; k <= n - 3; k++) {
                int s = k + 1;
                double b = beta[k];
                double[] v = a[k];
                boolean more = k + 1 <= n - 3;
                if (b == 0.0) {
                    // A' unchanged; just prepare the next step
                    if (more) {
                        prepareNext(s, d);
                    }
                    continue;
                }
                // w = b p - (b^2 p.v / 2) v
                double pv = 0.0;
                for (int j = s; j < n; j++) {
                    pv += p[j] * v[j];
                }
                double kk = 0.5 * b * b * pv;
                for (int j = s; j < n; j++) {
                    w[j] = b * p[j] - kk * v[j];
                }
                // rank-2 update of row s (all of columns s..n-1)
                rank2(a[s], v[s], w[s], v, s);
                if (!more) {
                    rank2(a[s + 1], v[s + 1], w[s + 1], v, s + 1);
                    continue;
                }
                double bNext = reflector(s, d);
                double[] vNext = a[s];
                if (bNext != 0.0) {
                    Arrays.fill(p, 0.0);
                }
                for (int i = s + 1; i < n; i++) {
                    double[] ai = a[i];
                    rank2(ai, v[i], w[i], v, s + 1);
                    if (bNext != 0.0) {
                        axpy(p, ai, vNext[i], s + 1, n);
                    }
                }
            }
        }
        if (n >= 2) {
            d[n - 2] = a[n - 2][n - 2];
            e[n - 2] = a[n - 2][n - 1];
        }
        d[n - 1] = a[n - 1][n - 1];
        e[n - 1] = 0.0;
    }

    /** After an identity reflector at step s-1: compute reflector s and its product p. */
    private void prepareNext(int s, double[] d) {
        if (reflector(s, d) != 0.0) {
            double[] v = a[s];
            Arrays.fill(p, 0.0);
            for (int j = s + 1; j < n; j++) {
                axpy(p, a[j], v[j], s + 1, n);
            }
        }
    }

    /** row[c] -= vi * w[c] + wi * v[c] for c in [from, n). */
    private void rank2(double[] row, double vi, double wi, double[] v, int from) {
        double[] ww = w;
        for (int c = from; c < n; c++) {
            row[c] -= vi * ww[c] + wi * v[c];
        }
    }

    /** y[c] += f * x[c] for c in [from, to). */
    private static void axpy(double[] y, double[] x, double f, int from, int to) {
        for (int c = from; c < to; c++) {
            y[c] += f * x[c];
        }
    }

    /** Q = H_0 H_1 ... H_{n-3}, applied backwards so that H_k only touches the trailing block. */
    private void accumulate() {
        for (int i = 0; i < n; i++) {
            Arrays.fill(q[i], 0.0);
            q[i][i] = 1.0;
        }
        if (n < 3) {
            return;
        }
        // w = v_{n-3}^T Q_block for the first (innermost) reflector: Q_block is the identity.
        int k0 = n - 3;
        Arrays.fill(w, 0.0);
        for (int c = k0 + 1; c < n; c++) {
            w[c] = a[k0][c];
        }
        for (int k = k0; k >= 0; k--) {
            int s = k + 1;
            double b = beta[k];
            double[] v = a[k];
            int kn = k - 1;                        // next reflector to apply
            double[] vNext = kn >= 0 ? a[kn] : null;
            boolean nextActive = kn >= 0 && beta[kn] != 0.0;
            if (nextActive) {
                Arrays.fill(p, 0.0);
                p[k] = vNext[k];                   // row k of Q is still e_k
            }
            for (int i = s; i < n; i++) {
                double[] qi = q[i];
                if (b != 0.0) {
                    double f = -b * v[i];
                    if (f != 0.0) {
                        axpy(qi, w, f, s, n);
                    }
                }
                if (nextActive) {
                    double vi = vNext[i];
                    if (vi != 0.0) {
                        axpy(p, qi, vi, s, n);
                    }
                }
            }
            if (nextActive) {
                System.arraycopy(p, 0, w, 0, n);
            }
        }
    }

    // ---------------------------------------------------------------- QL phase

    /**
     * Implicit QL with shifts on the tridiagonal (d, e); each sweep's rotations are applied to
     * the rows of {@code z} (basis vectors stored as rows).
     */
    private void ql(double[] d, double[][] z) {
        for (int l = 0; l < n; l++) {
            int iter = 0;
            int m;
            do {
                // find a negligible off-diagonal element to split the matrix
                for (m = l; m < n - 1; m++) {
                    double dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
                    if (Math.abs(e[m]) <= EPS * dd) {
                        break;
                    }
                }
                if (m != l) {
                    if (++iter > MAX_QL_ITERATIONS) {
                        throw new ArithmeticException("QL iteration did not converge");
                    }
                    double g = (d[l + 1] - d[l]) / (2.0 * e[l]);
                    double r = hypot(g, 1.0);
                    g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
                    double s = 1.0;
                    double c = 1.0;
                    double pp = 0.0;
                    int i;
                    boolean underflow = false;
                    for (i = m - 1; i >= l; i--) {
                        double f = s * e[i];
                        double b = c * e[i];
                        r = hypot(f, g);
                        e[i + 1] = r;
                        if (r == 0.0) {
                            d[i + 1] -= pp;
                            e[m] = 0.0;
                            underflow = true;
                            break;
                        }
                        s = f / r;
                        c = g / r;
                        g = d[i + 1] - pp;
                        r = (d[i] - g) * s + 2.0 * c * b;
                        pp = s * r;
                        d[i + 1] = g + pp;
                        g = c * r - b;
                        cs[i] = c;
                        sn[i] = s;
                    }
                    // rotations were computed for indices i+1 .. m-1
                    applySweep(z, i + 1, m);
                    if (underflow) {
                        continue;
                    }
                    d[l] -= pp;
                    e[l] = g;
                    e[m] = 0.0;
                }
            } while (m != l);
        }
    }

    /**
     * Applies rotations {@code m-1, m-2, ..., lo} (rotation i acts on rows i, i+1:
     * {@code (u, v) -> (c u - s v, s u + c v)}) as one pass: row i+1 is final after rotation
     * i, so the running value of row i+1 is kept in {@code carry}.
     */
    private void applySweep(double[][] z, int lo, int m) {
        if (lo > m - 1) {
            return;
        }
        double[] cr = carry;
        System.arraycopy(z[m], 0, cr, 0, n);
        for (int i = m - 1; i >= lo; i--) {
            double c = cs[i];
            double s = sn[i];
            double[] zi = z[i];
            double[] zi1 = z[i + 1];
            for (int k = 0; k < n; k++) {
                zi1[k] = s * zi[k] + c * cr[k];
            }
            for (int k = 0; k < n; k++) {
                cr[k] = c * zi[k] - s * cr[k];
            }
        }
        System.arraycopy(cr, 0, z[lo], 0, n);
    }

    private static double hypot(double x, double y) {
        double ax = Math.abs(x);
        double ay = Math.abs(y);
        double big = Math.max(ax, ay);
        if (big == 0.0 || Double.isInfinite(big)) {
            return big;
        }
        double t = Math.min(ax, ay) / big;
        return big * Math.sqrt(1.0 + t * t);
    }

    /** Ascending order by selection sort; swaps row references only. */
    private void sort(double[] d, double[][] z) {
        for (int i = 0; i < n - 1; i++) {
            int kMin = i;
            double min = d[i];
            for (int j = i + 1; j < n; j++) {
                if (d[j] < min) {
                    min = d[j];
                    kMin = j;
                }
            }
            if (kMin != i) {
                d[kMin] = d[i];
                d[i] = min;
                double[] t = z[i];
                z[i] = z[kMin];
                z[kMin] = t;
            }
        }
    }
}
