package dev.craft.client.tune;

/** Told after every round; the CLI draws its progress bar from it. */
@FunctionalInterface
public interface ProgressListener {

    void roundDone(RoundMetrics metrics, int rounds, long budget);

    ProgressListener NONE = (metrics, rounds, budget) -> {
    };
}
