package dev.craft.client.tune;

/**
 * CraFT's prediction-consistency terms as the user set them, over the preset's: {@code klWeight} for both lambda_KL
 * (prompt fitness) and beta_KL (refinement loss), {@code klCutoff} for n (the refinement term is on while the
 * training queries used are at most budget / n; 1 = the whole run). A null field keeps the preset's value.
 */
public record ConsistencyOverride(Double klWeight, Integer klCutoff) {

    public static final ConsistencyOverride NONE = new ConsistencyOverride(null, null);

    public ConsistencyOverride {
        if (klWeight != null && (!Double.isFinite(klWeight) || klWeight < 0)) {
            throw new IllegalArgumentException("--kl-weight must be a finite number >= 0, got " + klWeight);
        }
        if (klCutoff != null && klCutoff < 1) {
            throw new IllegalArgumentException("--kl-cutoff must be at least 1 (1 = the whole run), got " + klCutoff);
        }
    }

    TuneSettings applyTo(TuneSettings settings) {
        if (klWeight == null && klCutoff == null) {
            return settings;
        }
        return settings.withConsistency(klWeight == null ? settings.lambdaKl() : klWeight,
                klWeight == null ? settings.betaKl() : klWeight,
                klCutoff == null ? settings.klCutoffDivisor() : klCutoff);
    }
}
