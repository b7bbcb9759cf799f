package dev.craft.client.tune;

/** Told after every round; the CLI draws its progress bar from it. */
@FunctionalInterface
public interface ProgressListener {

    void roundDone(RoundMetrics metrics, int rounds, long budget);

    /** The round's detailed timing, told after {@link #roundDone}; ignored unless a benchmark listens. */
    default void roundTimed(RoundTiming timing) {
    }

    ProgressListener NONE = (metrics, rounds, budget) -> {
    };
}
