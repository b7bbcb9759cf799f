package dev.craft.client.perf;

import dev.craft.client.tune.RoundTiming;

import java.util.List;
import java.util.function.ToLongFunction;

/**
 * A CraFT round, averaged over measured rounds: where its time goes (milliseconds per round) and
 * each part's share of the round. CMA-ES is given twice: its time on the round's critical path, and
 * the CPU time it used on both threads (the eigendecomposition runs on a background thread at
 * N >= 128, overlapping the refinement epoch).
 *
 * @param rounds              rounds averaged
 * @param warmupRounds        rounds run before them and left out (JIT compilation, first requests)
 * @param queryMs             waiting for the service: the round's batched request of 40 candidates
 * @param cmaesMs             CMA-ES on the critical path: ask, bound transform, projection p = A z, tell, and
 *                            any wait for a background decomposition
 * @param cmaesCpuMs          CPU time of CMA-ES on both threads (loop thread in ask/projection/tell plus background)
 * @param cmaesBackgroundMs   of that, the background eigendecompositions' CPU time
 * @param cmaesWaitMs         time the loop waited for a background decomposition (part of {@code cmaesMs})
 * @param eigenDecompositionsPerRound background decompositions per round (the lazy rule's rate)
 * @param mlpMs               the refinement network: {@code mlpFitnessMs + mlpEpochMs}
 * @param mlpFitnessMs        its forward pass over the 40 candidates' logits and the fitness losses
 * @param mlpEpochMs          the refinement epoch (and the refined training accuracy)
 * @param checkpointMs        writing metrics.csv and the checkpoint (part of {@code otherMs})
 * @param otherMs             the rest of the round: {@code roundMs - queryMs - cmaesMs - mlpMs}
 * @param roundMs             the whole round
 */
public record RoundProfile(int rounds, int warmupRounds, double queryMs, double cmaesMs, double cmaesCpuMs,
                           double cmaesBackgroundMs, double cmaesWaitMs, double eigenDecompositionsPerRound,
                           double mlpMs, double mlpFitnessMs, double mlpEpochMs, double checkpointMs, double otherMs,
                           double roundMs, double queryShare, double cmaesShare, double mlpShare, double otherShare) {

    /** Averages {@code timings} after leaving out the first {@code warmup}. */
    public static RoundProfile of(List<RoundTiming> timings, int warmup) {
        if (warmup < 0 || timings.size() <= warmup) {
            throw new IllegalArgumentException("need more than " + warmup + " rounds to profile, got " + timings.size());
        }
        List<RoundTiming> measured = timings.subList(warmup, timings.size());
        double round = mean(measured, RoundTiming::roundNanos);
        double query = mean(measured, RoundTiming::queryNanos);
        double cmaes = mean(measured, RoundTiming::cmaesCriticalNanos);
        double mlp = mean(measured, RoundTiming::mlpNanos);
        double other = mean(measured, RoundTiming::otherNanos);
        return new RoundProfile(measured.size(), warmup, query, cmaes, mean(measured, RoundTiming::cmaesTotalCpuNanos),
                mean(measured, RoundTiming::eigenBackgroundCpuNanos), mean(measured, RoundTiming::eigenWaitNanos),
                measured.stream().mapToLong(RoundTiming::eigenBackgroundCount).sum() / (double) measured.size(),
                mlp, mean(measured, RoundTiming::fitnessNanos), mean(measured, RoundTiming::epochNanos),
                mean(measured, RoundTiming::checkpointNanos), other, round,
                query / round, cmaes / round, mlp / round, other / round);
    }

    /** Mean in milliseconds. */
    private static double mean(List<RoundTiming> timings, ToLongFunction<RoundTiming> nanos) {
        return timings.stream().mapToLong(nanos).average().orElse(Double.NaN) / 1e6;
    }
}
