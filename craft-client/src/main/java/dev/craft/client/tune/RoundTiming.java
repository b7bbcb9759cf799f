package dev.craft.client.tune;

/**
 * Where one round's time went, in nanoseconds, for performance measurements (craft bench-perf).
 * metrics.csv keeps its millisecond columns; this is the finer breakdown behind them.
 *
 * @param round               1-based round number
 * @param roundNanos          wall time of the whole round, checkpoint included
 * @param queryNanos          waiting for the service (training, mean-prompt and evaluation requests)
 * @param cmaesNanos          CMA-ES on the loop thread: ask, the bound transform and projection p = A z, tell
 *                            (including any wait for a background eigendecomposition inside them)
 * @param cmaesCpuNanos       CPU time of the loop thread in those same steps
 * @param eigenBackgroundCpuNanos CPU time of eigendecompositions that finished on the background thread in this
 *                            round (off the critical path)
 * @param eigenBackgroundCount how many of those finished in this round
 * @param eigenWaitNanos      all the time the loop waited for a background decomposition in this round
 * @param eigenWaitOutsideNanos of that, the time it waited for a background decomposition outside ask/tell (taking the
 *                            checkpoint's CMA-ES snapshot joins it); part of CMA-ES's critical path
 * @param fitnessNanos        the refinement network's forward pass over all candidates and the fitness losses
 * @param epochNanos          the refinement epoch and the training accuracy of the refined current logits
 * @param checkpointNanos     writing metrics.csv and the checkpoint, without {@code eigenWaitOutsideNanos}
 */
public record RoundTiming(int round, long roundNanos, long queryNanos, long cmaesNanos, long cmaesCpuNanos,
                          long eigenBackgroundCpuNanos, long eigenBackgroundCount, long eigenWaitNanos, long eigenWaitOutsideNanos,
                          long fitnessNanos, long epochNanos, long checkpointNanos) {

    /** CMA-ES time on the critical path: its loop-thread steps plus the waits for a decomposition elsewhere. */
    public long cmaesCriticalNanos() {
        return cmaesNanos + eigenWaitOutsideNanos;
    }

    /** All CPU time CMA-ES used in the round, on both threads. */
    public long cmaesTotalCpuNanos() {
        return cmaesCpuNanos + eigenBackgroundCpuNanos;
    }

    /** The refinement network's share: fitness forward pass plus epoch. */
    public long mlpNanos() {
        return fitnessNanos + epochNanos;
    }

    /** Whatever is left of the round (checkpoint, bookkeeping). */
    public long otherNanos() {
        return roundNanos - queryNanos - cmaesCriticalNanos() - mlpNanos();
    }
}
