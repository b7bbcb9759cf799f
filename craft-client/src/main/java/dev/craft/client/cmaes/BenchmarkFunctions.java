package dev.craft.client.cmaes;

import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** Standard test functions for CMA-ES (all with minimum 0). */
public enum BenchmarkFunctions implements ToDoubleFunction<double[]> {

    /** {@code f(x) = sum x_i^2}; optimum at 0. */
    SPHERE("sphere", 0.5) {
        @Override
        public double applyAsDouble(double[] x) {
            double s = 0;
            for (double v : x) {
                s += v * v;
            }
            return s;
        }
    },

    /** Ellipsoid with condition 1e6: {@code f(x) = sum_i 10^(6 i / (N-1)) x_i^2}, i = 0..N-1. */
    ELLI("elli", 0.5) {
        @Override
        public double applyAsDouble(double[] x) {
            int n = x.length;
            double s = 0;
            for (int i = 0; i < n; i++) {
                double scale = n == 1 ? 1.0 : StrictMath.pow(10, 6.0 * i / (n - 1));
                s += scale * x[i] * x[i];
            }
            return s;
        }
    },

    /** Rosenbrock: {@code sum_{i<N-1} 100 (x_i^2 - x_{i+1})^2 + (1 - x_i)^2}; optimum at 1. */
    ROSEN("rosen", 0.1) {
        @Override
        public double applyAsDouble(double[] x) {
            double s = 0;
            for (int i = 0; i < x.length - 1; i++) {
                double a = x[i] * x[i] - x[i + 1];
                double b = 1 - x[i];
                s += 100 * a * a + b * b;
            }
            return s;
        }
    };

    private final String shortName;
    private final double defaultX0;

    BenchmarkFunctions(String shortName, double defaultX0) {
        this.shortName = shortName;
        this.defaultX0 = defaultX0;
    }

    /** Name used on the command line: sphere, elli, rosen. */
    public String shortName() {
        return shortName;
    }

    /** Usual starting coordinate (0.5 for sphere/elli, 0.1 for rosen). */
    public double defaultX0() {
        return defaultX0;
    }

    /** Looks a function up by short name (case-insensitive). */
    public static BenchmarkFunctions byName(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (BenchmarkFunctions f : values()) {
            if (f.shortName.equals(key)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown function '" + name + "' (expected sphere, elli or rosen)");
    }
}
