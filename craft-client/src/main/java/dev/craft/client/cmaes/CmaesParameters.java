package dev.craft.client.cmaes;

import java.util.Arrays;

/**
 * Immutable strategy parameters of CMA-ES, computed from the defaults of N. Hansen,
 * "The CMA Evolution Strategy: A Tutorial", arXiv:1604.00772 (Table 1 and eq. 49-58):
 *
 * <pre>
 *   lambda   = 4 + floor(3 ln N)                    mu = floor(lambda / 2)
 *   w'_i     = ln((lambda + 1) / 2) - ln i,  i = 1..lambda
 *   mu_eff   = (sum_{i<=mu} w'_i)^2 / sum_{i<=mu} w'_i^2        (mu_eff^- likewise over i > mu)
 *   c_sigma  = (mu_eff + 2) / (N + mu_eff + 5)
 *   d_sigma  = 1 + 2 max(0, sqrt((mu_eff - 1) / (N + 1)) - 1) + c_sigma
 *   c_c      = (4 + mu_eff / N) / (N + 4 + 2 mu_eff / N)
 *   c_1      = 2 / ((N + 1.3)^2 + mu_eff)
 *   c_mu     = min(1 - c_1, 2 (mu_eff - 2 + 1/mu_eff) / ((N + 2)^2 + mu_eff))
 *   positive weights: w_i = w'_i / sum_{j<=mu} w'_j                      (sum to 1)
 *   negative weights (active CMA): w_i = w'_i * min(alpha_mu^-, alpha_mu_eff^-, alpha_posdef^-)
 *                                        / sum_{j>mu} |w'_j|
 *     alpha_mu^-     = 1 + c_1 / c_mu
 *     alpha_mu_eff^- = 1 + 2 mu_eff^- / (mu_eff + 2)
 *     alpha_posdef^- = (1 - c_1 - c_mu) / (N c_mu)
 * </pre>
 *
 * <p>Separable CMA (diagonal covariance, Ros and Hansen 2008): {@code c_1 <- c_1 (N+2)/3} and
 * {@code c_mu <- min(1 - c_1, c_mu (N+2)/3)}; the negative weights are then derived from these
 * learning rates.
 *
 * <p>Lazy eigendecomposition: B and D are recomputed only when more than
 * {@code lambda / (c_1 + c_mu) / N / 10} evaluations have passed since the last decomposition.
 *
 * <p>Build with {@link #builder(int)}.
 */
public final class CmaesParameters {

    private final int dimension;
    private final int lambda;
    private final int mu;
    private final double[] weights;
    private final double muEff;
    private final double muEffMinus;
    private final double cSigma;
    private final double dSigma;
    private final double cC;
    private final double c1;
    private final double cMu;
    private final double chiN;
    private final double sigma0;
    private final boolean separable;
    private final boolean active;
    private final BoundTransform bounds;

    private CmaesParameters(Builder b) {
        int n = b.dimension;
        this.dimension = n;
        this.lambda = b.popsize > 0 ? b.popsize : defaultPopsize(n);
        this.mu = lambda / 2;
        this.sigma0 = b.sigma0;
        this.separable = b.separable;
        this.active = b.active;
        this.bounds = b.lower == null ? null : new BoundTransform(b.lower, b.upper);

        double[] raw = new double[lambda];
        for (int i = 0; i < lambda; i++) {
            raw[i] = StrictMath.log((lambda + 1) / 2.0) - StrictMath.log(i + 1);
        }
        double sumPos = 0;
        double sumPos2 = 0;
        for (int i = 0; i < mu; i++) {
            sumPos += raw[i];
            sumPos2 += raw[i] * raw[i];
        }
        double sumNeg = 0;
        double sumNeg2 = 0;
        for (int i = mu; i < lambda; i++) {
            sumNeg += raw[i];
            sumNeg2 += raw[i] * raw[i];
        }
        this.muEff = sumPos * sumPos / sumPos2;
        this.muEffMinus = sumNeg2 > 0 ? sumNeg * sumNeg / sumNeg2 : 0.0;

        this.cSigma = (muEff + 2) / (n + muEff + 5);
        this.dSigma = 1 + 2 * Math.max(0, Math.sqrt((muEff - 1) / (n + 1)) - 1) + cSigma;
        this.cC = (4 + muEff / n) / (n + 4 + 2 * muEff / n);
        double c1Full = 2 / ((n + 1.3) * (n + 1.3) + muEff);
        double cMuFull = Math.min(1 - c1Full, 2 * (muEff - 2 + 1 / muEff) / ((n + 2.0) * (n + 2.0) + muEff));
        if (separable) {
            double f = (n + 2) / 3.0;
            this.c1 = Math.min(1, c1Full * f);
            this.cMu = Math.min(1 - this.c1, cMuFull * f);
        } else {
            this.c1 = c1Full;
            this.cMu = cMuFull;
        }
        this.chiN = Math.sqrt(n) * (1 - 1.0 / (4 * n) + 1.0 / (21.0 * n * n));

        this.weights = new double[lambda];
        for (int i = 0; i < mu; i++) {
            weights[i] = raw[i] / sumPos;
        }
        if (active && sumNeg2 > 0) {
            double alphaMu = 1 + c1 / cMu;
            double alphaMuEff = 1 + 2 * muEffMinus / (muEff + 2);
            double alphaPosDef = (1 - c1 - cMu) / (n * cMu);
            double scale = Math.min(alphaMu, Math.min(alphaMuEff, alphaPosDef)) / Math.abs(sumNeg);
            for (int i = mu; i < lambda; i++) {
                weights[i] = raw[i] * scale;    // raw[i] <= 0
            }
        }
    }

    /** Default population size {@code 4 + floor(3 ln N)}. */
    public static int defaultPopsize(int dimension) {
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be >= 1, got " + dimension);
        }
        return 4 + (int) Math.floor(3 * StrictMath.log(dimension));
    }

    public static Builder builder(int dimension) {
        return new Builder(dimension);
    }

    /** A builder pre-filled with this instance's settings. */
    public Builder toBuilder() {
        Builder b = new Builder(dimension).popsize(lambda).sigma0(sigma0).separable(separable).active(active);
        if (bounds != null) {
            b.bounds(bounds.lower(), bounds.upper());
        }
        return b;
    }

    public int dimension() {
        return dimension;
    }

    /** Population size (lambda). */
    public int lambda() {
        return lambda;
    }

    /** Number of positively weighted parents. */
    public int mu() {
        return mu;
    }

    /** All lambda recombination weights, positive ones (sum 1) first, then the active negatives. */
    public double[] weights() {
        return weights.clone();
    }

    double weight(int i) {
        return weights[i];
    }

    public double weightSum() {
        double s = 0;
        for (double w : weights) {
            s += w;
        }
        return s;
    }

    public double muEff() {
        return muEff;
    }

    public double muEffMinus() {
        return muEffMinus;
    }

    public double cSigma() {
        return cSigma;
    }

    public double dSigma() {
        return dSigma;
    }

    public double cC() {
        return cC;
    }

    /** Rank-one learning rate (already scaled for separable). */
    public double c1() {
        return c1;
    }

    /** Rank-mu learning rate (already scaled for separable). */
    public double cMu() {
        return cMu;
    }

    /** E||N(0, I)|| approximation {@code sqrt(N) (1 - 1/(4N) + 1/(21 N^2))}. */
    public double chiN() {
        return chiN;
    }

    public double sigma0() {
        return sigma0;
    }

    public boolean separable() {
        return separable;
    }

    public boolean active() {
        return active;
    }

    /** The bound transform, or null when unbounded. */
    public BoundTransform bounds() {
        return bounds;
    }

    /** Evaluations that must pass before B and D are recomputed: lambda / (c1 + c_mu) / N / 10. */
    public double eigenUpdateGap() {
        return lambda / (c1 + cMu) / dimension / 10;
    }

    @Override
    public String toString() {
        return "CmaesParameters[N=" + dimension + ", lambda=" + lambda + ", mu=" + mu + ", mu_eff=" + muEff
                + ", c_sigma=" + cSigma + ", d_sigma=" + dSigma + ", c_c=" + cC + ", c1=" + c1 + ", c_mu=" + cMu
                + ", sigma0=" + sigma0 + ", separable=" + separable + ", active=" + active
                + (bounds == null ? "" : ", bounds=" + bounds) + ", weights=" + Arrays.toString(weights) + "]";
    }

    /** Builder with validation; all setters are optional except the dimension. */
    public static final class Builder {
        private final int dimension;
        private int popsize;           // 0 = default
        private double sigma0 = 0.5;
        private boolean separable;
        private boolean active = true;
        private double[] lower;
        private double[] upper;

        private Builder(int dimension) {
            if (dimension < 1) {
                throw new IllegalArgumentException("dimension must be >= 1, got " + dimension);
            }
            this.dimension = dimension;
        }

        /** Population size lambda (>= 2); 0 selects the default {@code 4 + floor(3 ln N)}. */
        public Builder popsize(int lambda) {
            if (lambda != 0 && lambda < 2) {
                throw new IllegalArgumentException("popsize must be >= 2 (or 0 for the default), got " + lambda);
            }
            this.popsize = lambda;
            return this;
        }

        /** Initial step size (> 0, finite); default 0.5. */
        public Builder sigma0(double sigma0) {
            if (!(sigma0 > 0) || !Double.isFinite(sigma0)) {
                throw new IllegalArgumentException("sigma0 must be a finite number > 0, got " + sigma0);
            }
            this.sigma0 = sigma0;
            return this;
        }

        /** Diagonal covariance (sep-CMA). */
        public Builder separable(boolean separable) {
            this.separable = separable;
            return this;
        }

        /** Active covariance update with negative weights (default true). */
        public Builder active(boolean active) {
            this.active = active;
            return this;
        }

        /** The same bounds {@code [lo, hi]} for every coordinate. */
        public Builder bounds(double lo, double hi) {
            double[] l = new double[dimension];
            double[] h = new double[dimension];
            Arrays.fill(l, lo);
            Arrays.fill(h, hi);
            return bounds(l, h);
        }

        /** Per-coordinate bounds; both arrays of length N with {@code lower[i] < upper[i]}, finite. */
        public Builder bounds(double[] lower, double[] upper) {
            if (lower == null || upper == null) {
                throw new IllegalArgumentException("bounds must not be null");
            }
            if (lower.length != dimension || upper.length != dimension) {
                throw new IllegalArgumentException("bounds must have length " + dimension + ", got "
                        + lower.length + " and " + upper.length);
            }
            new BoundTransform(lower, upper);   // validates
            this.lower = lower.clone();
            this.upper = upper.clone();
            return this;
        }

        /** Removes bounds. */
        public Builder unbounded() {
            this.lower = null;
            this.upper = null;
            return this;
        }

        public CmaesParameters build() {
            return new CmaesParameters(this);
        }
    }
}
