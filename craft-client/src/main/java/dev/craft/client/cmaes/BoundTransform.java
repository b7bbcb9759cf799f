package dev.craft.client.cmaes;

import java.util.Arrays;

/**
 * Smooth map from {@code R^N} onto the box {@code [lo, hi]}, applied coordinate-wise; the idea of
 * pycma's {@code BoundTransform} (a linear/quadratic periodic transformation), re-derived here.
 *
 * <p>Per coordinate with bounds {@code lo < hi} and margins
 * <pre>
 *   al = min((hi - lo) / 2, (1 + |lo|) / 20),   au = min((hi - lo) / 2, (1 + |hi|) / 20)
 * </pre>
 * the principal segment {@code [lo - al, hi + au]} is mapped by
 * <pre>
 *   f(x) = lo + (x - (lo - al))^2 / (4 al)   for lo - al <= x <  lo + al
 *   f(x) = x                                 for lo + al <= x <= hi - au   (identity)
 *   f(x) = hi - (x - (hi + au))^2 / (4 au)   for hi - au <  x <= hi + au
 * </pre>
 * {@code f} is continuous with a continuous first derivative (slope 1 where the quadratic pieces
 * meet the identity, slope 0 at the segment ends {@code lo - al} and {@code hi + au}, which are
 * mapped to the bounds exactly). Outside the principal segment {@code x} is first folded back into
 * it by reflection at the segment ends, i.e. the map is even about each segment end and periodic
 * with period {@code 2 (hi - lo + al + au)}. Because {@code f'} vanishes at the segment ends the
 * folded map stays C^1 on all of {@code R}.
 *
 * <p>Consequences: every point is mapped into {@code [lo, hi]}; points in
 * {@code [lo + al, hi - au]} are left untouched; the optimiser can move freely in the unbounded
 * space. {@link #inverse(double[])} returns the preimage inside the principal segment.
 */
public final class BoundTransform {

    private final double[] lo;
    private final double[] hi;
    private final double[] al;
    private final double[] au;

    public BoundTransform(double[] lower, double[] upper) {
        if (lower == null || upper == null) {
            throw new IllegalArgumentException("bounds must not be null");
        }
        if (lower.length != upper.length || lower.length == 0) {
            throw new IllegalArgumentException("lower and upper bounds must have the same, non-zero length (got "
                    + lower.length + " and " + upper.length + ")");
        }
        int n = lower.length;
        lo = lower.clone();
        hi = upper.clone();
        al = new double[n];
        au = new double[n];
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(lo[i]) || !Double.isFinite(hi[i])) {
                throw new IllegalArgumentException("bounds must be finite (coordinate " + i + ": ["
                        + lo[i] + ", " + hi[i] + "])");
            }
            if (!(lo[i] < hi[i])) {
                throw new IllegalArgumentException("lower bound must be < upper bound (coordinate " + i + ": ["
                        + lo[i] + ", " + hi[i] + "])");
            }
            double half = (hi[i] - lo[i]) / 2;
            al[i] = Math.min(half, (1 + Math.abs(lo[i])) / 20);
            au[i] = Math.min(half, (1 + Math.abs(hi[i])) / 20);
        }
    }

    public int dimension() {
        return lo.length;
    }

    public double[] lower() {
        return lo.clone();
    }

    public double[] upper() {
        return hi.clone();
    }

    /** Start of the identity region of coordinate i ({@code lo + al}). */
    public double identityLower(int i) {
        return lo[i] + al[i];
    }

    /** End of the identity region of coordinate i ({@code hi - au}). */
    public double identityUpper(int i) {
        return hi[i] - au[i];
    }

    /** Maps a point of the optimiser's space into the box (new array). */
    public double[] apply(double[] x) {
        check(x);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = apply(i, x[i]);
        }
        return y;
    }

    /** Maps coordinate i. */
    public double apply(int i, double x) {
        double l = lo[i];
        double h = hi[i];
        double a = al[i];
        double b = au[i];
        double lb = l - a;
        double ub = h + b;
        if (l + a <= x && x <= h - b) {
            return x;                                   // fast path: identity region
        }
        double width = ub - lb;
        double u = x - lb;
        if (u < 0 || u > width) {
            double period = 2 * width;
            u -= period * Math.floor(u / period);       // [0, period)
            if (u > width) {
                u = period - u;                         // reflect
            }
        }
        double y = lb + u;
        if (y < l + a) {
            double t = y - lb;
            y = l + t * t / (4 * a);
        } else if (y > h - b) {
            double t = y - ub;
            y = h - t * t / (4 * b);
        }
        return Math.min(h, Math.max(l, y));             // guard against rounding
    }

    /**
     * Preimage in the principal segment of a point of the box (used to start the optimiser at a
     * user-given x0). Throws if a coordinate is outside {@code [lo, hi]}.
     */
    public double[] inverse(double[] y) {
        check(y);
        double[] x = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            double v = y[i];
            if (!(lo[i] <= v && v <= hi[i])) {
                throw new IllegalArgumentException("point outside the bounds at coordinate " + i + ": " + v
                        + " not in [" + lo[i] + ", " + hi[i] + "]");
            }
            if (v < lo[i] + al[i]) {
                x[i] = lo[i] - al[i] + Math.sqrt(4 * al[i] * (v - lo[i]));
            } else if (v > hi[i] - au[i]) {
                x[i] = hi[i] + au[i] - Math.sqrt(4 * au[i] * (hi[i] - v));
            } else {
                x[i] = v;
            }
        }
        return x;
    }

    private void check(double[] x) {
        if (x.length != lo.length) {
            throw new IllegalArgumentException("expected a point of dimension " + lo.length + ", got " + x.length);
        }
    }

    @Override
    public String toString() {
        return "BoundTransform[lo=" + Arrays.toString(lo) + ", hi=" + Arrays.toString(hi) + "]";
    }
}
