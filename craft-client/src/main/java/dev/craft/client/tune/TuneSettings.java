package dev.craft.client.tune;

import dev.craft.client.prompt.PromptProjection;
import dev.craft.client.refine.RefinerConfig;

/**
 * The hyper-parameters of a run, resolved from a {@link Preset} and the dataset.
 *
 * @param preset           where the defaults came from
 * @param intrinsicDim     D, the dimension of z
 * @param popsize          lambda, candidates per CMA-ES generation (= queries per round)
 * @param sigma0           initial CMA-ES step size
 * @param bound            z is searched in [-bound, bound] through a smooth transform; 0 = unbounded
 * @param projectionRule   how the projection std is chosen
 * @param projectionValue  the fixed std, or alpha for BBT's rule
 * @param lambdaKl         weight of the KL term in the prompt fitness (CraFT only)
 * @param betaKl           weight of the KL term in the refinement loss (CraFT only)
 * @param klCutoffDivisor  n: the refinement KL term is on while queries used <= budget / n
 * @param refiner          the refinement network and its optimiser
 * @param finalRefit       what replaces the loop's refinement network after the last round; a
 *                         config.json written before this setting existed reads as NONE
 * @param promptFitness    the main term of a prompt candidate's fitness; a config.json written before
 *                         this setting existed reads as CE
 */
public record TuneSettings(Preset preset, int intrinsicDim, int popsize, double sigma0, double bound,
                           Preset.ProjectionRule projectionRule, double projectionValue, double lambdaKl,
                           double betaKl, int klCutoffDivisor, RefinerConfig refiner, FinalRefit finalRefit,
                           PromptFitness promptFitness) {

    public TuneSettings {
        if (finalRefit == null) {
            finalRefit = FinalRefit.NONE;
        }
        if (promptFitness == null) {
            promptFitness = PromptFitness.CE;
        }
    }

    /** lambda of every preset: 40 candidates per generation, so 8,000 queries make 200 rounds. */
    public static final int POPSIZE = 40;

    /** D of every preset. */
    public static final int INTRINSIC_DIM = 512;

    public TuneSettings withRefiner(RefinerConfig newRefiner) {
        return new TuneSettings(preset, intrinsicDim, popsize, sigma0, bound, projectionRule, projectionValue,
                lambdaKl, betaKl, klCutoffDivisor, newRefiner, finalRefit, promptFitness);
    }

    public TuneSettings withFinalRefit(FinalRefit newFinalRefit) {
        return new TuneSettings(preset, intrinsicDim, popsize, sigma0, bound, projectionRule, projectionValue,
                lambdaKl, betaKl, klCutoffDivisor, refiner, newFinalRefit, promptFitness);
    }

    public TuneSettings withConsistency(double newLambdaKl, double newBetaKl, int newKlCutoffDivisor) {
        return new TuneSettings(preset, intrinsicDim, popsize, sigma0, bound, projectionRule, projectionValue,
                newLambdaKl, newBetaKl, newKlCutoffDivisor, refiner, finalRefit, promptFitness);
    }

    /** V, the prompts searched one after another whose logits the refinement network reads ({@code --views}). */
    public int views() {
        return refiner.views();
    }

    /** The projection's standard deviation given the served model's token-embedding std. */
    public double projectionStd(double tokenEmbeddingStd) {
        return projectionRule == Preset.ProjectionRule.BBT
                ? PromptProjection.bbtStd(projectionValue, tokenEmbeddingStd, intrinsicDim, sigma0)
                : projectionValue;
    }
}
