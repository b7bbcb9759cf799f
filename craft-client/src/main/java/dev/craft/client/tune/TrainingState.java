package dev.craft.client.tune;

import dev.craft.client.cmaes.CmaesState;
import dev.craft.client.refine.CrossValidatedRefit;
import dev.craft.client.refine.RefinementMlp;

/**
 * The mutable state of a run between rounds.
 */
final class TrainingState implements AutoCloseable {

    int round;
    double zeroShotAccuracy = Double.NaN;
    double lastTestAccuracy = Double.NaN;
    /** The last evaluation's accuracy through the loop's network when a final refit replaced it (diagnostic). */
    double loopTestAccuracy = Double.NaN;
    double bestFitness = Double.POSITIVE_INFINITY;
    /** The current prompt in the evaluation space; null = the plain template (p = 0). */
    double[] currentZ;
    /** Training logits [N, K] of the current prompt. */
    float[] currentLogits;
    /** The round (1-based) whose candidate or mean is the current prompt; 0 = the template; -1 = unknown. */
    int promptRound;
    /** The final refit, once made (not checkpointed: it is recomputed from the seed and the final logits). */
    CrossValidatedRefit.Outcome finalRefit;
    /** The prompts of earlier search stages ({@code --views}); none with one view. */
    final FrozenViews views;
    /** The current stage's CMA-ES; a new one at every stage. */
    CmaesState cmaes;
    /** The loop's network; a new one, reading one more view, at every stage. */
    RefinementMlp refiner;
    long elapsedBefore;

    TrainingState(CmaesState cmaes, RefinementMlp refiner, int classes) {
        this.cmaes = cmaes;
        this.refiner = refiner;
        this.views = new FrozenViews(classes);
    }

    @Override
    public void close() {
        try {
            if (finalRefit != null) {
                finalRefit.close();
            }
        } finally {
            if (refiner != null) {
                refiner.close();
            }
        }
    }
}
