package dev.craft.client.cmaes;

import org.junit.jupiter.api.Test;

import java.util.function.ToDoubleFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * At the tuning size (N = 512, lambda = 40) the eigendecomposition runs in the background between
 * tell() and ask(); the trajectory must not depend on that: repeated runs and a run restored from a
 * snapshot taken while a decomposition was pending are bit-identical.
 */
class CmaesBackgroundEigenTest {

    private static final int N = 512;
    private static final ToDoubleFunction<double[]> SPHERE = x -> {
        double sum = 0;
        for (double v : x) {
            sum += v * v;
        }
        return sum;
    };

    private static CmaesState fresh() {
        return new CmaesState(CmaesParameters.builder(N).popsize(40).sigma0(0.5).bounds(-5, 5).build(), new double[N], 11);
    }

    private static void generation(CmaesState state) {
        double[][] xs = state.ask();
        double[][] points = state.toEvaluationSpace(xs);
        double[] f = new double[xs.length];
        for (int k = 0; k < xs.length; k++) {
            f[k] = SPHERE.applyAsDouble(points[k]);
        }
        state.tell(xs, f);
    }

    @Test
    void backgroundDecompositionDoesNotChangeTheTrajectory() {
        assertThat(N).isGreaterThanOrEqualTo(CmaesState.BACKGROUND_EIGEN_MIN_DIMENSION);
        CmaesState first = fresh();
        CmaesState second = fresh();
        for (int g = 0; g < 8; g++) {
            generation(first);
            generation(second);
        }
        assertThat(second.mean()).isEqualTo(first.mean());
        assertThat(first.eigenDecompositions()).isGreaterThanOrEqualTo(2);

        // tell() of generation 8 may have started a decomposition; the snapshot does not wait for it
        CmaesState restored = CmaesState.restore(first.snapshot());
        for (int g = 0; g < 4; g++) {
            generation(first);
            generation(restored);
        }
        assertThat(restored.mean()).isEqualTo(first.mean());
        assertThat(restored.sigma()).isEqualTo(first.sigma());
        assertThat(restored.covariance()).isEqualTo(first.covariance());
    }

    @Test
    void eigenTimingSeparatesTheBackgroundFromTheCallersThread() {
        CmaesState large = fresh();
        for (int g = 0; g < 8; g++) {
            generation(large);
        }
        long decompositions = large.eigenDecompositions(); // joins the pending one
        CmaesState.EigenTiming timing = large.eigenTiming();
        assertThat(timing.backgroundDecompositions()).isEqualTo(decompositions).isGreaterThanOrEqualTo(2);
        assertThat(timing.backgroundCpuNanos()).isPositive();
        assertThat(timing.foregroundCpuNanos()).isZero();

        // Below the threshold ask() decomposes on the caller's thread and nothing is waited for.
        CmaesState small = new CmaesState(CmaesParameters.builder(20).popsize(40).sigma0(0.5).build(), new double[20], 3);
        for (int g = 0; g < 30; g++) {
            generation(small);
        }
        CmaesState.EigenTiming smallTiming = small.eigenTiming();
        assertThat(small.eigenDecompositions()).isPositive();
        assertThat(smallTiming.backgroundDecompositions()).isZero();
        assertThat(smallTiming.waitNanos()).isZero();
        assertThat(smallTiming.foregroundCpuNanos()).isPositive();
    }

    @Test
    void aSnapshotAfterEveryGenerationNeverWaitsAndEveryOneResumesTheSameTrajectory() {
        CmaesState run = fresh();
        generation(run);
        for (int g = 1; g <= 10; g++) {
            long waitedBefore = run.eigenTiming().waitNanos();
            CmaesState resumed = CmaesState.restore(run.snapshot());   // as the trainer's checkpoint does
            assertThat(run.eigenTiming().waitNanos()).isEqualTo(waitedBefore);

            generation(run);
            generation(resumed);
            assertThat(resumed.mean()).as("resumed after generation %d", g).isEqualTo(run.mean());
            assertThat(resumed.sigma()).isEqualTo(run.sigma());
            assertThat(resumed.eigenDecompositions()).isEqualTo(run.eigenDecompositions());
        }
        assertThat(run.eigenDecompositions()).isGreaterThanOrEqualTo(3);
    }
}
