package dev.craft.client.cmaes;

import java.util.function.ToDoubleFunction;

/** Runs the ask/tell loop of a {@link CmaesState} against an objective until a stop criterion. */
public final class CmaesRunner {

    private CmaesRunner() {
    }

    /**
     * Outcome of {@link #minimize}.
     *
     * @param evaluations   evaluations done (whole generations, so up to lambda-1 past a limit)
     * @param generations   generations done
     * @param bestFitness   best fitness seen
     * @param bestSolution  where it was seen, in the evaluation space (inside the bounds)
     * @param reachedTarget whether {@code bestFitness <= target}
     * @param stopReason    "target", "maxevals" or a reason from {@link CmaesState#stopReason()}
     */
    public record Result(long evaluations, long generations, double bestFitness, double[] bestSolution,
                         boolean reachedTarget, String stopReason) {
    }

    /**
     * Minimises {@code f}, evaluated at {@link CmaesState#toEvaluationSpace(double[][])}, until the
     * best fitness is {@code <= target}, at least {@code maxEvals} evaluations were done, or the
     * state reports a stop reason.
     */
    public static Result minimize(CmaesState state, ToDoubleFunction<double[]> f, double target, long maxEvals) {
        if (maxEvals < 1) {
            throw new IllegalArgumentException("maxEvals must be >= 1, got " + maxEvals);
        }
        String reason = null;
        while (true) {
            if (state.bestFitness() <= target) {
                reason = "target";
                break;
            }
            if (state.countEval() >= maxEvals) {
                reason = "maxevals";
                break;
            }
            String stop = state.stopReason();
            if (stop != null) {
                reason = stop;
                break;
            }
            double[][] xs = state.ask();
            double[][] points = state.toEvaluationSpace(xs);
            double[] fit = new double[xs.length];
            for (int k = 0; k < xs.length; k++) {
                fit[k] = f.applyAsDouble(points[k]);
            }
            state.tell(xs, fit);
        }
        return new Result(state.countEval(), state.generation(), state.bestFitness(), state.bestSolution(),
                state.bestFitness() <= target, reason);
    }

    /** Convenience: a fresh run with {@code x0} and {@code seed}. */
    public static Result minimize(CmaesParameters params, double[] x0, long seed, ToDoubleFunction<double[]> f,
                                  double target, long maxEvals) {
        return minimize(new CmaesState(params, x0, seed), f, target, maxEvals);
    }
}
