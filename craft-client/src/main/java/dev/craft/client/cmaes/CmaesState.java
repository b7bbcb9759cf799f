package dev.craft.client.cmaes;

import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Mutable state of one CMA-ES run with an ask/tell interface (minimisation), following
 * N. Hansen, "The CMA Evolution Strategy: A Tutorial", arXiv:1604.00772:
 * weighted recombination, cumulative step-size adaptation (CSA) with the {@code h_sigma} stall,
 * rank-one plus rank-mu covariance update with active (negative) weights, and a lazily updated
 * eigendecomposition {@code C = B D^2 B^T}.
 *
 * <pre>
 *   CmaesState es = new CmaesState(CmaesParameters.builder(n).sigma0(0.3).build(), x0, seed);
 *   while (...) {
 *       double[][] xs = es.ask();                       // optimiser space
 *       double[][] points = es.toEvaluationSpace(xs);    // identity without bounds
 *       double[] f = ...evaluate points...;
 *       es.tell(xs, f);                                 // lower is better
 *   }
 * </pre>
 *
 * <p>With bounds the optimiser works in the unbounded space and candidates must be evaluated at
 * {@link #toEvaluationSpace(double[][])} (see {@link BoundTransform}); {@link #tell} takes the
 * candidates as returned by {@link #ask()}.
 *
 * <p>Costs at N=512, lambda=40 per generation: sampling {@code lambda N^2}, tell about
 * {@code (lambda/2 + 2) N^2 + lambda N^2 / 2} multiply-adds (no N x N allocation); one
 * eigendecomposition every few generations. Not thread-safe.
 */
public final class CmaesState {

    private static final double CONDITION_LIMIT = 1e14;

    private final CmaesParameters params;
    private final int n;
    private final int lambda;
    private final int mu;

    private final double[] mean;
    private double sigma;
    /** Full covariance; only the upper triangle (j >= i) is maintained. Null when separable. */
    private final double[][] c;
    /** Diagonal covariance when separable; null otherwise. */
    private final double[] cDiag;
    private final double[] pSigma;
    private final double[] pC;
    /** Eigenvectors as rows (B^T); null when separable. */
    private final double[][] basis;
    /** basisT[i][k] = basis[k][i] (B, row-major); null when separable. */
    private final double[][] basisT;
    /** Square roots of the eigenvalues (or of diag C when separable). */
    private final double[] d;

    private long generation;
    private long countEval;
    private long eigenEval;
    private long eigenDecompositions;
    private final Xoshiro256 rng;

    private double[] bestX;
    private double bestF = Double.POSITIVE_INFINITY;
    /** Ring buffer of the best fitness of the last generations (for "tolfun"). */
    private final double[] bestHistory;
    /** max - min of the finite fitness values of the last generation (NaN if none). */
    private double lastRange = Double.NaN;

    // work arrays (not part of the state)
    private final double[][] ys;
    private final double[] ymean;
    private final double[] t1;
    private final double[] t2;
    private final double[] coef;
    private final double[] norms2;
    private final double[][] tq;
    private final double[] eigenValues;
    private final Integer[] order;
    private SymmetricEigen eigen;
    private boolean lastAskDecomposed;
    /** A decomposition started at the end of tell(), joined by the next call that needs B and D. */
    private Future<?> pendingEigen;
    /** C, B, D and the counters as they were when {@link #pendingEigen} started (what a snapshot stores). */
    private BeforeDecomposition beforePendingEigen;
    // Timing of the decompositions (not part of the state). Written by one thread at a time: the
    // background thread while a decomposition is pending, the caller's otherwise.
    private volatile long foregroundEigenCpuNanos;
    private volatile long backgroundEigenCpuNanos;
    private volatile long backgroundEigens;
    private volatile long eigenWaitNanos;

    /**
     * Starts a run at {@code x0} (a point of the evaluation space, i.e. inside the bounds if any;
     * with bounds the initial mean is its preimage under the bound transform), {@code C = I},
     * {@code sigma = sigma0}.
     */
    public CmaesState(CmaesParameters params, double[] x0, long seed) {
        this(params, new Xoshiro256(seed));
        if (x0 == null || x0.length != n) {
            throw new IllegalArgumentException("x0 must have length " + n + ", got "
                    + (x0 == null ? "null" : String.valueOf(x0.length)));
        }
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(x0[i])) {
                throw new IllegalArgumentException("x0 must be finite, coordinate " + i + " is " + x0[i]);
            }
        }
        double[] m = params.bounds() == null ? x0 : params.bounds().inverse(x0);
        System.arraycopy(m, 0, mean, 0, n);
        sigma = params.sigma0();
        if (c != null) {
            for (int i = 0; i < n; i++) {
                c[i][i] = 1.0;
                basis[i][i] = 1.0;
                basisT[i][i] = 1.0;
            }
        } else {
            Arrays.fill(cDiag, 1.0);
        }
        Arrays.fill(d, 1.0);
    }

    private CmaesState(CmaesParameters params, Xoshiro256 rng) {
        this.params = params;
        this.n = params.dimension();
        this.lambda = params.lambda();
        this.mu = params.mu();
        this.rng = rng;
        this.mean = new double[n];
        this.pSigma = new double[n];
        this.pC = new double[n];
        this.d = new double[n];
        if (params.separable()) {
            this.c = null;
            this.cDiag = new double[n];
            this.basis = null;
            this.basisT = null;
        } else {
            this.c = new double[n][n];
            this.cDiag = null;
            this.basis = new double[n][n];
            this.basisT = new double[n][n];
        }
        this.ys = new double[lambda][n];
        this.ymean = new double[n];
        this.t1 = new double[n];
        this.t2 = new double[n];
        this.coef = new double[lambda];
        this.norms2 = new double[lambda];
        this.tq = params.separable() ? null : new double[lambda][n];
        this.eigenValues = new double[n];
        this.order = new Integer[lambda];
        this.bestHistory = new double[historyLength(params)];
    }

    /** Length of the best-fitness history used by "tolfun": 10 + ceil(30 N / lambda). */
    public static int historyLength(CmaesParameters p) {
        return 10 + (int) Math.ceil(30.0 * p.dimension() / p.lambda());
    }

    // ------------------------------------------------------------------ ask / tell

    /**
     * Samples lambda new candidates {@code m + sigma B D z}, {@code z ~ N(0, I)}, in the
     * optimiser's space. Recomputes B and D first when the lazy-update gap has passed.
     */
    public double[][] ask() {
        lastAskDecomposed = awaitEigen();
        if (c != null && countEval - eigenEval > params.eigenUpdateGap()) {
            long cpu = ThreadCpu.nanos();
            updateEigensystem();
            foregroundEigenCpuNanos += ThreadCpu.nanos() - cpu;
            lastAskDecomposed = true;
        }
        double[][] xs = new double[lambda][n];
        if (c == null) {
            for (int k = 0; k < lambda; k++) {
                double[] x = xs[k];
                for (int i = 0; i < n; i++) {
                    x[i] = mean[i] + sigma * (d[i] * rng.nextGaussian());
                }
            }
            return xs;
        }
        // draw all D z first (candidate by candidate), then y_k = B (D z_k) for all k with the
        // eigenvector loop outside, so each row of B is read once per generation
        double[][] zd = ys;
        for (int k = 0; k < lambda; k++) {
            double[] z = zd[k];
            for (int j = 0; j < n; j++) {
                z[j] = d[j] * rng.nextGaussian();
            }
        }
        for (int j = 0; j < n; j++) {
            double[] bj = basis[j];
            for (int k = 0; k < lambda; k++) {
                axpy(xs[k], bj, zd[k][j], 0, n);
            }
        }
        for (int k = 0; k < lambda; k++) {
            double[] x = xs[k];
            for (int i = 0; i < n; i++) {
                x[i] = mean[i] + sigma * x[i];
            }
        }
        return xs;
    }

    /** Maps candidates to the points to evaluate (the bound transform; copies when unbounded). */
    public double[][] toEvaluationSpace(double[][] xs) {
        double[][] out = new double[xs.length][];
        for (int k = 0; k < xs.length; k++) {
            out[k] = toEvaluationSpace(xs[k]);
        }
        return out;
    }

    /** Maps one candidate to the point to evaluate (new array). */
    public double[] toEvaluationSpace(double[] x) {
        if (x.length != n) {
            throw new IllegalArgumentException("expected dimension " + n + ", got " + x.length);
        }
        BoundTransform b = params.bounds();
        return b == null ? x.clone() : b.apply(x);
    }

    /**
     * Updates the distribution from lambda evaluated candidates (optimiser space, as returned by
     * {@link #ask()}); lower fitness is better, NaN is treated as worst.
     */
    public void tell(double[][] candidates, double[] fitness) {
        awaitEigen();
        validateTell(candidates, fitness);
        sortByFitness(fitness);
        countEval += lambda;

        int best = order[0];
        if (fitness[best] < bestF) {
            bestF = fitness[best];
            bestX = candidates[best].clone();
        }
        recordFitness(fitness);

        double invSigma = 1.0 / sigma;
        for (int r = 0; r < lambda; r++) {
            double[] x = candidates[order[r]];
            double[] y = ys[r];
            for (int i = 0; i < n; i++) {
                y[i] = (x[i] - mean[i]) * invSigma;
            }
        }
        Arrays.fill(ymean, 0.0);
        for (int r = 0; r < mu; r++) {
            axpy(ymean, ys[r], params.weight(r), 0, n);
        }
        for (int i = 0; i < n; i++) {
            mean[i] += sigma * ymean[i];                     // c_m = 1
        }

        // p_sigma <- (1 - c_s) p_sigma + sqrt(c_s (2 - c_s) mu_eff) C^{-1/2} <y>_w
        double cs = params.cSigma();
        double muEff = params.muEff();
        double[] invSqrtY = invSqrtC(ymean, t2);
        double fs = Math.sqrt(cs * (2 - cs) * muEff);
        double normPs2 = 0;
        for (int i = 0; i < n; i++) {
            pSigma[i] = (1 - cs) * pSigma[i] + fs * invSqrtY[i];
            normPs2 += pSigma[i] * pSigma[i];
        }
        double normPs = Math.sqrt(normPs2);
        double chiN = params.chiN();
        boolean hSigma = normPs / Math.sqrt(1 - StrictMath.pow(1 - cs, 2.0 * (generation + 1)))
                < (1.4 + 2.0 / (n + 1)) * chiN;

        double cc = params.cC();
        double fc = hSigma ? Math.sqrt(cc * (2 - cc) * muEff) : 0.0;
        for (int i = 0; i < n; i++) {
            pC[i] = (1 - cc) * pC[i] + fc * ymean[i];
        }

        // rank-mu coefficients c_mu w_i^o; negative weights rescaled by N / ||C^{-1/2} y||^2
        double c1 = params.c1();
        double cMu = params.cMu();
        invSqrtNorms2(mu);
        for (int r = 0; r < lambda; r++) {
            double w = params.weight(r);
            if (w >= 0) {
                coef[r] = cMu * w;
            } else {
                double q = norms2[r];
                coef[r] = q > 0 ? cMu * w * n / q : 0.0;
            }
        }
        double deltaH = hSigma ? 0.0 : cc * (2 - cc);
        double factor = 1 + c1 * deltaH - c1 - cMu * params.weightSum();
        if (c != null) {
            for (int i = 0; i < n; i++) {
                double[] row = c[i];
                double a = c1 * pC[i];
                for (int j = i; j < n; j++) {
                    row[j] = factor * row[j] + a * pC[j];
                }
                for (int r = 0; r < lambda; r++) {
                    double f = coef[r] * ys[r][i];
                    if (f != 0.0) {
                        axpy(row, ys[r], f, i, n);
                    }
                }
            }
        } else {
            for (int i = 0; i < n; i++) {
                double v = factor * cDiag[i] + c1 * pC[i] * pC[i];
                for (int r = 0; r < lambda; r++) {
                    double y = ys[r][i];
                    v += coef[r] * y * y;
                }
                cDiag[i] = v;
            }
            updateDiagonal();
        }

        // CSA
        double change = cs / params.dSigma() * (normPs / chiN - 1);
        sigma *= StrictMath.exp(Math.min(1.0, change));
        generation++;
        startEigenIfDue();
    }

    /**
     * When the next ask() will need a new decomposition, starts it now on a background thread: it then
     * overlaps with whatever the caller does between tell() and ask() (evaluating, training). Nothing
     * reads or writes C, B or D before it is joined, and it computes exactly what ask() would, so
     * results do not depend on timing.
     */
    private void startEigenIfDue() {
        if (c != null && n >= BACKGROUND_EIGEN_MIN_DIMENSION && countEval - eigenEval > params.eigenUpdateGap()) {
            beforePendingEigen = new BeforeDecomposition(symmetricCopy(c), copy(basis), d.clone(), eigenEval,
                    eigenDecompositions);
            pendingEigen = EIGEN_EXECUTOR.submit(() -> {
                long cpu = ThreadCpu.nanos();
                updateEigensystem();
                backgroundEigenCpuNanos += ThreadCpu.nanos() - cpu;
                backgroundEigens++;
            });
        }
    }

    /** Joins a pending decomposition; true if there was one. */
    private boolean awaitEigen() {
        if (pendingEigen == null) {
            return false;
        }
        Future<?> pending = pendingEigen;
        pendingEigen = null;
        beforePendingEigen = null;
        long start = System.nanoTime();
        try {
            pending.get();
            eigenWaitNanos += System.nanoTime() - start;
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the eigendecomposition", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Below this dimension a decomposition costs less than handing it to another thread. */
    static final int BACKGROUND_EIGEN_MIN_DIMENSION = 128;

    private static final ExecutorService EIGEN_EXECUTOR = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "cmaes-eigen");
        thread.setDaemon(true);
        return thread;
    });

    private void validateTell(double[][] candidates, double[] fitness) {
        if (candidates == null || fitness == null) {
            throw new IllegalArgumentException("candidates and fitness must not be null");
        }
        if (candidates.length != lambda || fitness.length != lambda) {
            throw new IllegalArgumentException("tell expects " + lambda + " candidates and fitness values, got "
                    + candidates.length + " and " + fitness.length);
        }
        for (int k = 0; k < lambda; k++) {
            double[] x = candidates[k];
            if (x == null || x.length != n) {
                throw new IllegalArgumentException("candidate " + k + " must have length " + n);
            }
            for (int i = 0; i < n; i++) {
                if (!Double.isFinite(x[i])) {
                    throw new IllegalArgumentException("candidate " + k + " has a non-finite coordinate " + i);
                }
            }
        }
    }

    private void recordFitness(double[] fitness) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double f : fitness) {
            if (Double.isFinite(f)) {
                lo = Math.min(lo, f);
                hi = Math.max(hi, f);
            }
        }
        lastRange = lo <= hi ? hi - lo : Double.NaN;
        bestHistory[(int) (generation % bestHistory.length)] = lo <= hi ? lo : Double.NaN;
    }

    /** Indices ascending by fitness, NaN last, ties by index (stable). */
    private void sortByFitness(double[] fitness) {
        for (int k = 0; k < lambda; k++) {
            order[k] = k;
        }
        Arrays.sort(order, (a, b) -> Double.compare(fitness[a], fitness[b]));
    }

    /** out = C^{-1/2} v = B D^{-1} B^T v using the current (possibly stale) B and D. */
    private double[] invSqrtC(double[] v, double[] out) {
        if (c == null) {
            for (int i = 0; i < n; i++) {
                out[i] = v[i] / d[i];
            }
            return out;
        }
        double[] t = t1;
        Arrays.fill(t, 0.0);
        for (int i = 0; i < n; i++) {
            axpy(t, basisT[i], v[i], 0, n);      // t = B^T v
        }
        for (int k = 0; k < n; k++) {
            t[k] /= d[k];
        }
        Arrays.fill(out, 0.0);
        for (int k = 0; k < n; k++) {
            axpy(out, basis[k], t[k], 0, n);     // out = B t
        }
        return out;
    }

    /**
     * norms2[r] = ||C^{-1/2} y_r||^2 = ||D^{-1} B^T y_r||^2 for r in [from, lambda), computed as
     * T = Y B with the coordinate loop outside (each row of B read once).
     */
    private void invSqrtNorms2(int from) {
        if (c == null) {
            for (int r = from; r < lambda; r++) {
                double[] y = ys[r];
                double s = 0;
                for (int i = 0; i < n; i++) {
                    double t = y[i] / d[i];
                    s += t * t;
                }
                norms2[r] = s;
            }
            return;
        }
        for (int r = from; r < lambda; r++) {
            Arrays.fill(tq[r], 0.0);
        }
        for (int i = 0; i < n; i++) {
            double[] bi = basisT[i];
            for (int r = from; r < lambda; r++) {
                axpy(tq[r], bi, ys[r][i], 0, n);
            }
        }
        for (int r = from; r < lambda; r++) {
            double[] t = tq[r];
            double s = 0;
            for (int k = 0; k < n; k++) {
                double u = t[k] / d[k];
                s += u * u;
            }
            norms2[r] = s;
        }
    }

    private void updateEigensystem() {
        if (eigen == null) {
            eigen = new SymmetricEigen(n);
        }
        eigen.decompose(c, eigenValues, basis);
        eigenEval = countEval;
        eigenDecompositions++;
        double max = eigenValues[n - 1];
        double min = eigenValues[0];
        if (!(max > 0) || !Double.isFinite(max)) {
            throw new ArithmeticException("covariance matrix degenerated (largest eigenvalue " + max + ")");
        }
        if (min < max / CONDITION_LIMIT) {
            // C + delta I has the same eigenvectors: cap the condition number without recomputing
            double delta = max / CONDITION_LIMIT - min;
            for (int i = 0; i < n; i++) {
                c[i][i] += delta;
            }
            for (int k = 0; k < n; k++) {
                eigenValues[k] += delta;
            }
        }
        for (int k = 0; k < n; k++) {
            d[k] = Math.sqrt(eigenValues[k]);
        }
        transposeBasis();
    }

    private void transposeBasis() {
        for (int k = 0; k < n; k++) {
            double[] bk = basis[k];
            for (int i = 0; i < n; i++) {
                basisT[i][k] = bk[i];
            }
        }
    }

    private void updateDiagonal() {
        double max = 0;
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, cDiag[i]);
            min = Math.min(min, cDiag[i]);
        }
        if (!(max > 0) || !Double.isFinite(max)) {
            throw new ArithmeticException("covariance diagonal degenerated (largest entry " + max + ")");
        }
        if (min < max / CONDITION_LIMIT) {
            double delta = max / CONDITION_LIMIT - min;
            for (int i = 0; i < n; i++) {
                cDiag[i] += delta;
            }
        }
        for (int i = 0; i < n; i++) {
            d[i] = Math.sqrt(cDiag[i]);
        }
    }

    private static void axpy(double[] y, double[] x, double f, int from, int to) {
        for (int i = from; i < to; i++) {
            y[i] += f * x[i];
        }
    }

    // ------------------------------------------------------------------ termination

    /** Default "tolfun" threshold (absolute, as pycma's default). */
    public static final double DEFAULT_TOL_FUN = 1e-11;
    /** Default "tolx" threshold relative to sigma0. */
    public static final double DEFAULT_TOL_X_FACTOR = 1e-11;

    /** {@link #stopReason(double, double)} with {@link #DEFAULT_TOL_FUN} and {@code 1e-11 sigma0}. */
    public String stopReason() {
        return stopReason(DEFAULT_TOL_FUN, DEFAULT_TOL_X_FACTOR * params.sigma0());
    }

    /**
     * A reason to stop independent of the target, or null:
     * <ul>
     *   <li>{@code "tolfun"}: the last generation's fitness values and the best values of the last
     *       {@link #historyLength} generations each span less than {@code tolFun} (stagnation, e.g.
     *       a local optimum or a flat objective);</li>
     *   <li>{@code "tolx"}: {@code sigma * max(sqrt(C_ii), |p_c,i|) < tolX} for every coordinate;</li>
     *   <li>{@code "tolupsigma"}: {@code sigma / sigma0 > 1e20 max(D)} (divergence);</li>
     *   <li>{@code "nonfinite"}: sigma or the mean is not finite.</li>
     * </ul>
     */
    public String stopReason(double tolFun, double tolX) {
        awaitEigen();
        if (!Double.isFinite(sigma) || !(sigma > 0)) {
            return "nonfinite";
        }
        double maxD = 0;
        double maxStd = 0;
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(mean[i])) {
                return "nonfinite";
            }
            maxD = Math.max(maxD, d[i]);
            double cii = c == null ? cDiag[i] : c[i][i];
            maxStd = Math.max(maxStd, Math.max(Math.sqrt(cii), Math.abs(pC[i])));
        }
        int h = bestHistory.length;
        if (generation >= h && lastRange < tolFun) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (double v : bestHistory) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            if (hi - lo < tolFun) {
                return "tolfun";
            }
        }
        if (sigma * maxStd < tolX) {
            return "tolx";
        }
        if (sigma / params.sigma0() > 1e20 * maxD) {
            return "tolupsigma";
        }
        return null;
    }

    // ------------------------------------------------------------------ accessors

    public CmaesParameters parameters() {
        return params;
    }

    public int dimension() {
        return n;
    }

    public double[] mean() {
        return mean.clone();
    }

    public double sigma() {
        return sigma;
    }

    /** Completed generations (tell calls). */
    public long generation() {
        return generation;
    }

    /** Evaluations told so far. */
    public long countEval() {
        return countEval;
    }

    public long eigenDecompositions() {
        awaitEigen();
        return eigenDecompositions;
    }

    /**
     * Where the eigendecompositions' time went since this object was created or restored (not part of
     * the state; does not wait for a pending decomposition, whose time is counted once it is done).
     */
    public EigenTiming eigenTiming() {
        return new EigenTiming(foregroundEigenCpuNanos, backgroundEigens, backgroundEigenCpuNanos, eigenWaitNanos);
    }

    /**
     * @param foregroundCpuNanos CPU time of decompositions run inside {@link #ask()} on the caller's thread
     * @param backgroundDecompositions decompositions finished on the background thread
     * @param backgroundCpuNanos CPU time of those (off the caller's critical path except while it waited)
     * @param waitNanos time the caller's thread waited for a background decomposition to finish
     */
    public record EigenTiming(long foregroundCpuNanos, long backgroundDecompositions, long backgroundCpuNanos,
                              long waitNanos) {
    }

    /** Whether the last {@link #ask()} recomputed the eigendecomposition. */
    public boolean lastAskDecomposed() {
        return lastAskDecomposed;
    }

    /** Best fitness told so far (+infinity before any). */
    public double bestFitness() {
        return bestF;
    }

    /** Best-ever candidate in the optimiser space (copy), or null. */
    public double[] bestCandidate() {
        return bestX == null ? null : bestX.clone();
    }

    /** Best-ever point in the evaluation space (where it was evaluated), or null. */
    public double[] bestSolution() {
        return bestX == null ? null : toEvaluationSpace(bestX);
    }

    /** Copy of the covariance matrix (full symmetric; diagonal matrix when separable). */
    public double[][] covariance() {
        awaitEigen();
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            if (c == null) {
                out[i][i] = cDiag[i];
            } else {
                for (int j = i; j < n; j++) {
                    out[i][j] = c[i][j];
                    out[j][i] = c[i][j];
                }
            }
        }
        return out;
    }

    /** Copy of D (square roots of the eigenvalues of the last decomposition). */
    public double[] axisLengths() {
        awaitEigen();
        return d.clone();
    }

    // ------------------------------------------------------------------ snapshot

    /**
     * A complete copy of the state; see {@link #restore(CmaesSnapshot)}. While a background
     * decomposition is running the snapshot does not wait for it: it records C, B, D and the counters
     * from before it (a decomposition still due), which the restored state computes again, from the
     * same C, with the same result. So a checkpoint after every round costs no wait, and the snapshot's
     * content does not depend on how far the background thread got.
     */
    public CmaesSnapshot snapshot() {
        BeforeDecomposition state = beforePendingEigen != null ? beforePendingEigen
                : new BeforeDecomposition(c == null ? null : symmetricCopy(c), basis == null ? null : copy(basis),
                        d.clone(), eigenEval, eigenDecompositions);
        return new CmaesSnapshot(
                CmaesSnapshot.FORMAT_VERSION,
                CmaesSnapshot.Settings.of(params),
                mean.clone(),
                sigma,
                c == null ? null : state.c(),
                cDiag == null ? null : cDiag.clone(),
                pSigma.clone(),
                pC.clone(),
                state.basis(),
                state.d(),
                generation,
                countEval,
                state.eigenEval(),
                state.eigenDecompositions(),
                rng.state(),
                rng.hasSpare(),
                rng.spare(),
                bestX == null ? null : bestX.clone(),
                bestX == null ? null : bestF,
                bestHistory.clone(),
                lastRange);
    }

    private record BeforeDecomposition(double[][] c, double[][] basis, double[] d, long eigenEval,
                                       long eigenDecompositions) {
    }

    private static double[][] copy(double[][] matrix) {
        double[][] out = new double[matrix.length][];
        for (int k = 0; k < matrix.length; k++) {
            out[k] = matrix[k].clone();
        }
        return out;
    }

    /** C from its upper triangle (the part the updates maintain). */
    private static double[][] symmetricCopy(double[][] upper) {
        int n = upper.length;
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                out[i][j] = upper[i][j];
                out[j][i] = upper[i][j];
            }
        }
        return out;
    }

    /** Rebuilds a state that continues exactly where {@code s} was taken. */
    public static CmaesState restore(CmaesSnapshot s) {
        if (s == null) {
            throw new IllegalArgumentException("snapshot must not be null");
        }
        if (s.formatVersion() != CmaesSnapshot.FORMAT_VERSION) {
            throw new IllegalArgumentException("unsupported snapshot format version " + s.formatVersion());
        }
        if (s.settings() == null) {
            throw new IllegalArgumentException("snapshot has no settings");
        }
        CmaesParameters p = s.settings().toParameters();
        int n = p.dimension();
        CmaesState st = new CmaesState(p, Xoshiro256.restore(s.rngState(), s.rngHasSpare(), s.rngSpare()));
        copyInto("mean", s.mean(), st.mean);
        copyInto("pSigma", s.pSigma(), st.pSigma);
        copyInto("pC", s.pC(), st.pC);
        copyInto("eigenSqrt", s.eigenSqrt(), st.d);
        if (!(s.sigma() > 0) || !Double.isFinite(s.sigma())) {
            throw new IllegalArgumentException("snapshot sigma must be finite and > 0, got " + s.sigma());
        }
        st.sigma = s.sigma();
        if (p.separable()) {
            copyInto("covarianceDiagonal", s.covarianceDiagonal(), st.cDiag);
        } else {
            double[][] cov = s.covariance();
            double[][] eig = s.eigenvectors();
            checkMatrix("covariance", cov, n);
            checkMatrix("eigenvectors", eig, n);
            for (int i = 0; i < n; i++) {
                for (int j = i; j < n; j++) {
                    st.c[i][j] = cov[i][j];
                }
                System.arraycopy(eig[i], 0, st.basis[i], 0, n);
            }
            st.transposeBasis();
        }
        if (s.generation() < 0 || s.countEval() < 0 || s.eigenEval() < 0 || s.eigenEval() > s.countEval()) {
            throw new IllegalArgumentException("snapshot counters are inconsistent");
        }
        st.generation = s.generation();
        st.countEval = s.countEval();
        st.eigenEval = s.eigenEval();
        st.eigenDecompositions = s.eigenDecompositions();
        if (s.bestX() != null) {
            if (s.bestFitness() == null) {
                throw new IllegalArgumentException("snapshot has bestX but no bestFitness");
            }
            st.bestX = new double[n];
            copyInto("bestX", s.bestX(), st.bestX);
            st.bestF = s.bestFitness();
        }
        copyInto("bestHistory", s.bestHistory(), st.bestHistory);
        st.lastRange = s.lastRange();
        return st;
    }

    private static void copyInto(String name, double[] src, double[] dst) {
        if (src == null || src.length != dst.length) {
            throw new IllegalArgumentException("snapshot field " + name + " must have length " + dst.length);
        }
        System.arraycopy(src, 0, dst, 0, dst.length);
    }

    private static void checkMatrix(String name, double[][] m, int n) {
        if (m == null || m.length != n) {
            throw new IllegalArgumentException("snapshot field " + name + " must be " + n + " x " + n);
        }
        for (double[] row : m) {
            if (row == null || row.length != n) {
                throw new IllegalArgumentException("snapshot field " + name + " must be " + n + " x " + n);
            }
        }
    }
}
