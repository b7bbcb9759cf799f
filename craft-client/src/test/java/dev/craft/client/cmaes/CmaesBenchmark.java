package dev.craft.client.cmaes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Small benchmark (not a test): medians of evaluations to reach f <= 1e-8 for sphere/elli/rosen at
 * N = 10 and 40 (default popsize, sigma0 0.5, x0 = 0.5 resp. 0.1 for rosen), then per-generation
 * overhead of ask+tell at N=512, lambda=40 and the time of one 512 x 512 eigendecomposition.
 *
 * <pre>
 *   mvn -B -ntp -q -pl craft-client -am test-compile
 *   java -cp craft-client/target/classes:craft-client/target/test-classes \
 *        dev.craft.client.cmaes.CmaesBenchmark [seeds=5] [--sep]
 * </pre>
 */
public final class CmaesBenchmark {

    private CmaesBenchmark() {
    }

    public static void main(String[] args) {
        int seeds = 5;
        boolean sep = false;
        boolean skipEvals = false;
        for (String a : args) {
            if (a.equals("--sep")) {
                sep = true;
            } else if (a.equals("--timing-only")) {
                skipEvals = true;
            } else {
                seeds = Integer.parseInt(a);
            }
        }
        if (!skipEvals) {
            evalTable(seeds, sep);
        }
        timing512();
    }

    static void evalTable(int seeds, boolean sep) {
        System.out.printf(Locale.ROOT, "evaluations to f <= 1e-8, seeds 1..%d, default popsize, sigma0 0.5%s%n",
                seeds, sep ? ", separable" : "");
        System.out.printf(Locale.ROOT, "%-8s %4s %4s %9s %9s %9s %8s %9s%n",
                "function", "N", "lam", "median", "min", "max", "reached", "ms/run");
        for (BenchmarkFunctions f : BenchmarkFunctions.values()) {
            for (int n : new int[] {10, 40}) {
                List<Long> evals = new ArrayList<>();
                int reached = 0;
                long t0 = System.nanoTime();
                int lambda = 0;
                for (int s = 1; s <= seeds; s++) {
                    CmaesParameters p = CmaesParameters.builder(n).sigma0(0.5).separable(sep).build();
                    lambda = p.lambda();
                    double[] x0 = new double[n];
                    Arrays.fill(x0, f.defaultX0());
                    CmaesRunner.Result r = CmaesRunner.minimize(p, x0, s, f, 1e-8, 1_000_000);
                    if (r.reachedTarget()) {
                        reached++;
                        evals.add(r.evaluations());
                    }
                }
                double ms = (System.nanoTime() - t0) / 1e6 / seeds;
                Collections.sort(evals);
                if (evals.isEmpty()) {
                    System.out.printf(Locale.ROOT, "%-8s %4d %4d %9s %9s %9s %5d/%d %9.0f%n",
                            f.shortName(), n, lambda, "-", "-", "-", reached, seeds, ms);
                } else {
                    System.out.printf(Locale.ROOT, "%-8s %4d %4d %9d %9d %9d %5d/%d %9.0f%n",
                            f.shortName(), n, lambda, median(evals), evals.get(0), evals.get(evals.size() - 1),
                            reached, seeds, ms);
                }
            }
        }
    }

    static long median(List<Long> sorted) {
        int m = sorted.size();
        return m % 2 == 1 ? sorted.get(m / 2) : (sorted.get(m / 2 - 1) + sorted.get(m / 2)) / 2;
    }

    static void timing512() {
        int n = 512;
        CmaesParameters p = CmaesParameters.builder(n).popsize(40).sigma0(0.5).build();
        double[] x0 = new double[n];
        Arrays.fill(x0, 0.5);
        CmaesState es = new CmaesState(p, x0, 7);
        List<Double> withEig = new ArrayList<>();
        List<Double> without = new ArrayList<>();
        List<Double> askOnly = new ArrayList<>();
        int warmup = 60;
        int measured = 150;
        for (int g = 0; g < warmup + measured; g++) {
            long t0 = System.nanoTime();
            double[][] xs = es.ask();
            long t1 = System.nanoTime();
            double[] f = new double[xs.length];
            for (int k = 0; k < xs.length; k++) {
                f[k] = BenchmarkFunctions.ELLI.applyAsDouble(xs[k]);
            }
            long t2 = System.nanoTime();
            es.tell(xs, f);
            long t3 = System.nanoTime();
            if (g >= warmup) {
                double ms = ((t1 - t0) + (t3 - t2)) / 1e6;
                (es.lastAskDecomposed() ? withEig : without).add(ms);
                if (!es.lastAskDecomposed()) {
                    askOnly.add((t1 - t0) / 1e6);
                }
            }
        }
        double total = 0;
        for (double v : withEig) {
            total += v;
        }
        for (double v : without) {
            total += v;
        }
        System.out.printf(Locale.ROOT, "%nN=512 lambda=40: eigendecomposition every %.1f evaluations (%s)%n",
                p.eigenUpdateGap(), "every " + ((int) Math.floor(p.eigenUpdateGap() / p.lambda()) + 1) + " generations");
        System.out.printf(Locale.ROOT, "ask+tell per generation without eigendecomposition: median %.2f ms (ask %.2f ms)%n",
                medianD(without), medianD(askOnly));
        System.out.printf(Locale.ROOT, "ask+tell per generation with eigendecomposition:    median %.2f ms%n",
                medianD(withEig));
        System.out.printf(Locale.ROOT, "amortised over %d generations: %.2f ms per generation%n",
                withEig.size() + without.size(), total / (withEig.size() + without.size()));

        SymmetricEigen eig = new SymmetricEigen(n);
        double[][] c = es.covariance();
        double[] vals = new double[n];
        double[][] vecs = new double[n][n];
        List<Double> times = new ArrayList<>();
        for (int r = 0; r < 15; r++) {
            long t0 = System.nanoTime();
            eig.decompose(c, vals, vecs);
            times.add((System.nanoTime() - t0) / 1e6);
        }
        System.out.printf(Locale.ROOT, "one 512x512 eigendecomposition (C after %d generations): median %.1f ms, min %.1f ms%n",
                es.generation(), medianD(times), Collections.min(times));
    }

    static double medianD(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        int m = s.size();
        if (m == 0) {
            return Double.NaN;
        }
        return m % 2 == 1 ? s.get(m / 2) : (s.get(m / 2 - 1) + s.get(m / 2)) / 2;
    }
}
