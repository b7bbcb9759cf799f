package dev.craft.client.tune;

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
 * @param mlpLayers        Linear layers of g (2 = K-h-K, 3 = K-h-h-K)
 * @param mlpHidden        hidden width of g
 * @param residual         r = f + g(f) (true) or r = g(f) (ablation)
 * @param linear           g is one Linear K-K (ablation)
 * @param optimizer        "adamw" or "adam"
 * @param learningRate     of the refinement optimiser
 * @param batchSize        refinement mini-batch size
 */
public record TuneSettings(Preset preset, int intrinsicDim, int popsize, double sigma0, double bound,
                           Preset.ProjectionRule projectionRule, double projectionValue, double lambdaKl,
                           double betaKl, int klCutoffDivisor, int mlpLayers, int mlpHidden, boolean residual,
                           boolean linear, String optimizer, double learningRate, int batchSize) {

    public TuneSettings withResidual(boolean residual) {
        return new TuneSettings(preset, intrinsicDim, popsize, sigma0, bound, projectionRule, projectionValue,
                lambdaKl, betaKl, klCutoffDivisor, mlpLayers, mlpHidden, residual, linear, optimizer, learningRate,
                batchSize);
    }

    public TuneSettings withLinear(boolean linear) {
        return new TuneSettings(preset, intrinsicDim, popsize, sigma0, bound, projectionRule, projectionValue,
                lambdaKl, betaKl, klCutoffDivisor, mlpLayers, mlpHidden, residual, linear, optimizer, learningRate,
                batchSize);
    }

    public TuneSettings withPopsize(int popsize) {
        return new TuneSettings(preset, intrinsicDim, popsize, sigma0, bound, projectionRule, projectionValue,
                lambdaKl, betaKl, klCutoffDivisor, mlpLayers, mlpHidden, residual, linear, optimizer, learningRate,
                batchSize);
    }

    /** The projection's standard deviation given the served model's token-embedding std. */
    public double projectionStd(double tokenEmbeddingStd) {
        return projectionRule == Preset.ProjectionRule.BBT
                ? dev.craft.client.prompt.PromptProjection.bbtStd(projectionValue, tokenEmbeddingStd, intrinsicDim, sigma0)
                : projectionValue;
    }
}
