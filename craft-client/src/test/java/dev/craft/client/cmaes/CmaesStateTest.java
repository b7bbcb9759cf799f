package dev.craft.client.cmaes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Convergence, determinism and snapshot tests. Evaluation limits are 1.5x the largest count
 * measured over seeds 1..20 (docs/cmaes.md), rounded up.
 */
class CmaesStateTest {

    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private static CmaesRunner.Result solve(BenchmarkFunctions f, int n, long seed, boolean separable, long maxEvals) {
        CmaesParameters p = CmaesParameters.builder(n).sigma0(0.5).separable(separable).build();
        double[] x0 = new double[n];
        Arrays.fill(x0, f.defaultX0());
        return CmaesRunner.minimize(p, x0, seed, f, 1e-8, maxEvals);
    }

    @ParameterizedTest(name = "{0} N={1} limit={2}")
    @CsvSource({
        "sphere, 10, 2200",
        "sphere, 40, 7600",
        "elli,   10, 6600",
        "elli,   40, 76000",
        "rosen,  40, 100000",
    })
    void reachesTargetWithinMeasuredLimit(String name, int n, long limit) {
        BenchmarkFunctions f = BenchmarkFunctions.byName(name);
        for (long seed = 1; seed <= 3; seed++) {
            CmaesRunner.Result r = solve(f, n, seed, false, limit);
            assertThat(r.reachedTarget()).as("%s N=%d seed %d: %s", name, n, seed, r).isTrue();
            assertThat(r.evaluations()).isLessThanOrEqualTo(limit);
            assertThat(r.bestFitness()).isLessThanOrEqualTo(1e-8);
        }
    }

    /**
     * Rosenbrock has a local minimum (f ~ 3.98658 near x = (-1, 1, ..., 1)) for N >= 4; with the
     * default settings about 1 in 13 runs at N=10 ends there (3 of 40 seeds measured), as is usual
     * for CMA-ES without restarts. Those runs must stop by "tolfun"; the others must reach 1e-8.
     */
    @Test
    void rosen10ReachesTargetOrStopsAtTheKnownLocalMinimum() {
        int reached = 0;
        for (long seed = 1; seed <= 8; seed++) {
            CmaesRunner.Result r = solve(BenchmarkFunctions.ROSEN, 10, seed, false, 9_700);
            if (r.reachedTarget()) {
                reached++;
                assertThat(r.evaluations()).isLessThanOrEqualTo(9_700);
            } else {
                assertThat(r.stopReason()).as("seed %d: %s", seed, r).isEqualTo("tolfun");
                assertThat(r.bestFitness()).isCloseTo(3.98658, within(1e-4));
            }
        }
        assertThat(reached).isGreaterThanOrEqualTo(6);
    }

    @ParameterizedTest(name = "separable {0} N=40")
    @CsvSource({"sphere, 6500", "elli, 15000"})
    void separableSolvesSeparableFunctionsInDim40(String name, long limit) {
        BenchmarkFunctions f = BenchmarkFunctions.byName(name);
        for (long seed = 1; seed <= 3; seed++) {
            CmaesRunner.Result r = solve(f, 40, seed, true, limit);
            assertThat(r.reachedTarget()).as("%s seed %d: %s", name, seed, r).isTrue();
        }
    }

    @Test
    void sameSeedSameTrajectoryDifferentSeedDifferent() {
        CmaesParameters p = CmaesParameters.builder(12).build();
        double[] x0 = new double[12];
        Arrays.fill(x0, 0.5);
        CmaesState a = new CmaesState(p, x0, 42);
        CmaesState b = new CmaesState(p, x0, 42);
        CmaesState c = new CmaesState(p, x0, 43);
        for (int g = 0; g < 120; g++) {
            double[][] xa = a.ask();
            double[][] xb = b.ask();
            double[][] xc = c.ask();
            assertThat(xb).isDeepEqualTo(xa);
            if (g == 0) {
                assertThat(Arrays.deepEquals(xa, xc)).isFalse();
            }
            double[] fa = evaluate(BenchmarkFunctions.ROSEN, a, xa);
            a.tell(xa, fa);
            b.tell(xb, evaluate(BenchmarkFunctions.ROSEN, b, xb));
            c.tell(xc, evaluate(BenchmarkFunctions.ROSEN, c, xc));
        }
        assertThat(MAPPER.writeValueAsString(b.snapshot())).isEqualTo(MAPPER.writeValueAsString(a.snapshot()));
    }

    private static double[] evaluate(BenchmarkFunctions f, CmaesState es, double[][] xs) {
        double[][] pts = es.toEvaluationSpace(xs);
        double[] fit = new double[xs.length];
        for (int k = 0; k < xs.length; k++) {
            fit[k] = f.applyAsDouble(pts[k]);
        }
        return fit;
    }

    @ParameterizedTest(name = "separable={0} bounds={1}")
    @CsvSource({"false, false", "true, true", "false, true"})
    void jsonRoundTripMidRunContinuesBitIdentically(boolean separable, boolean bounded) {
        int n = 9;
        CmaesParameters.Builder pb = CmaesParameters.builder(n).popsize(11).sigma0(0.4).separable(separable);
        if (bounded) {
            pb.bounds(-3, 2);
        }
        double[] x0 = new double[n];
        Arrays.fill(x0, 0.1);
        CmaesState original = new CmaesState(pb.build(), x0, 7);
        // include a pending cached Gaussian: n * lambda = 99 draws per ask is odd
        for (int g = 0; g < 37; g++) {
            double[][] xs = original.ask();
            original.tell(xs, evaluate(BenchmarkFunctions.ROSEN, original, xs));
        }
        String json = MAPPER.writeValueAsString(original.snapshot());
        CmaesSnapshot read = MAPPER.readValue(json, CmaesSnapshot.class);
        assertThat(read.rngHasSpare()).isTrue();
        CmaesState restored = CmaesState.restore(read);
        assertThat(MAPPER.writeValueAsString(restored.snapshot())).isEqualTo(json);
        for (int g = 0; g < 150; g++) {
            double[][] xo = original.ask();
            double[][] xr = restored.ask();
            assertThat(xr).isDeepEqualTo(xo);
            original.tell(xo, evaluate(BenchmarkFunctions.ROSEN, original, xo));
            restored.tell(xr, evaluate(BenchmarkFunctions.ROSEN, restored, xr));
        }
        assertThat(restored.sigma()).isEqualTo(original.sigma());
        assertThat(restored.mean()).isEqualTo(original.mean());
        assertThat(restored.bestFitness()).isEqualTo(original.bestFitness());
        assertThat(MAPPER.writeValueAsString(restored.snapshot()))
                .isEqualTo(MAPPER.writeValueAsString(original.snapshot()));
    }

    @Test
    void freshStateRoundTripsAndRestoreValidates() {
        CmaesParameters p = CmaesParameters.builder(4).build();
        CmaesState fresh = new CmaesState(p, new double[4], 1);
        String json = MAPPER.writeValueAsString(fresh.snapshot());
        CmaesSnapshot s = MAPPER.readValue(json, CmaesSnapshot.class);
        assertThat(s.bestX()).isNull();
        assertThat(s.bestFitness()).isNull();
        CmaesState again = CmaesState.restore(s);
        assertThat(again.ask()).isDeepEqualTo(fresh.ask());
        CmaesSnapshot broken = new CmaesSnapshot(s.formatVersion(), s.settings(), new double[3], s.sigma(),
                s.covariance(), s.covarianceDiagonal(), s.pSigma(), s.pC(), s.eigenvectors(), s.eigenSqrt(),
                s.generation(), s.countEval(), s.eigenEval(), s.eigenDecompositions(), s.rngState(),
                s.rngHasSpare(), s.rngSpare(), s.bestX(), s.bestFitness(), s.bestHistory(), s.lastRange());
        assertThatThrownBy(() -> CmaesState.restore(broken))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mean");
    }

    @Test
    void tellValidatesAndTreatsNanAsWorst() {
        CmaesParameters p = CmaesParameters.builder(3).popsize(6).build();
        CmaesState es = new CmaesState(p, new double[] {1, 1, 1}, 3);
        double[][] xs = es.ask();
        assertThatThrownBy(() -> es.tell(Arrays.copyOf(xs, 5), new double[5]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tell expects 6");
        double[] f = {Double.NaN, 3, 2, Double.NaN, 1, 5};
        es.tell(xs, f);
        assertThat(es.bestFitness()).isEqualTo(1.0);
        assertThat(es.bestSolution()).isEqualTo(xs[4]);
        assertThat(es.countEval()).isEqualTo(6);
        assertThat(es.generation()).isEqualTo(1);
    }

    @Test
    void lazyEigendecompositionAtN512Lambda40() {
        int n = 512;
        CmaesParameters p = CmaesParameters.builder(n).popsize(40).build();
        double[] x0 = new double[n];
        Arrays.fill(x0, 0.5);
        CmaesState es = new CmaesState(p, x0, 5);
        double first = Double.NaN;
        for (int g = 0; g < 7; g++) {
            double[][] xs = es.ask();
            double[] f = evaluate(BenchmarkFunctions.ELLI, es, xs);
            if (g == 0) {
                first = Arrays.stream(f).min().orElseThrow();
            }
            es.tell(xs, f);
        }
        // decomposed at the asks of generations 3 and 6 (120 and 240 evaluations > 99.2 since the last)
        assertThat(es.eigenDecompositions()).isEqualTo(2);
        assertThat(es.bestFitness()).isLessThan(first);
        double[][] c = es.covariance();
        for (int i = 0; i < n; i += 37) {
            for (int j = 0; j < n; j += 41) {
                assertThat(c[i][j]).isEqualTo(c[j][i]);
            }
        }
    }
}
