package dev.craft.client.tune;

import dev.craft.client.cmaes.CmaesSnapshot;
import dev.craft.client.refine.RefinerState;

/**
 * Everything needed to continue a run after its last completed round without spending a query
 * twice: the optimiser and refiner states (their RNGs included), counters and the current prompt.
 * The current prompt's training logits are stored beside it as a tensor file.
 *
 * @param round            rounds completed
 * @param zeroShotAccuracy NaN until measured
 * @param lastTestAccuracy NaN until measured
 * @param bestFitness      +Infinity until a candidate was evaluated
 * @param currentZ         the current prompt's z (evaluation space); null before the first round
 * @param cmaes            null for methods without prompt search
 * @param refiner          null for methods without refinement
 * @param elapsedMillis    wall time spent by all sessions of the run so far
 * @param promptRound      the round whose prompt is the current one (0 = the template); null in
 *                         checkpoints written before it was recorded
 * @param viewZ            the z of every earlier search stage's prompt ({@code --views}), in order; their
 *                         training logits are stored beside it; null or empty with one view
 * @param viewTestLogits   the test logits of those prompts queried so far (they are counted in
 *                         evalQueries, so a resumed run must not query them again); null when none
 */
public record RunCheckpoint(int round, long trainQueries, long evalQueries, double zeroShotAccuracy,
                            double lastTestAccuracy, double bestFitness, double[] currentZ, CmaesSnapshot cmaes,
                            RefinerState refiner, long elapsedMillis, Integer promptRound,
                            java.util.List<double[]> viewZ, java.util.List<float[]> viewTestLogits) {
}
