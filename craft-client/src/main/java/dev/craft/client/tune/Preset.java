package dev.craft.client.tune;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.craft.client.refine.RefinerConfig;

import java.util.Locale;

/**
 * The two named sets of defaults: what the paper's text states, and what its reference code runs
 * (ALGORITHM.md lists the differences). Every run records its preset in config.json.
 */
public enum Preset {
    PAPER,
    REFERENCE;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The value for an id such as "craft"; case does not matter. */
    @JsonCreator
    public static Preset fromId(String id) {
        for (Preset value : values()) {
            if (value.id().equalsIgnoreCase(id)) {
                return value;
            }
        }
        throw new IllegalArgumentException("unknown preset '" + id + "'");
    }

    /** Resolves the hyper-parameters for a dataset with {@code classes} classes. */
    public TuneSettings settings(DatasetProfile profile, int classes) {
        // Both presets stay faithful to their source: the loop's network is the final one.
        return switch (this) {
            // The paper states lambda = beta = 0.1 / K, AdamW and a 3-layer MLP (hidden 512); it
            // does not give sigma0 or the projection std, so BBT's embedding-statistics rule is used
            // with sigma0 = 1 and bounds [-5, 5].
            case PAPER -> new TuneSettings(this, TuneSettings.INTRINSIC_DIM, TuneSettings.POPSIZE, 1.0, 5.0,
                    ProjectionRule.BBT, 1.0, 0.1 / classes, 0.1 / classes, 4, RefinerConfig.paper(classes),
                    FinalRefit.NONE);
            case REFERENCE -> new TuneSettings(this, TuneSettings.INTRINSIC_DIM, TuneSettings.POPSIZE, profile.sigma0(),
                    profile.bounded() ? 5.0 : 0.0, ProjectionRule.FIXED, profile.projectionStd(), profile.klWeight(), profile.klWeight(), 4,
                    RefinerConfig.reference(classes)
                            .withHidden(profile == DatasetProfile.IMAGENET ? 512 : 256)
                            .withBatchSize(profile == DatasetProfile.OXFORD_PETS ? 64 : 256),
                    FinalRefit.NONE);
        };
    }

    /** How the projection's standard deviation is chosen. */
    public enum ProjectionRule {
        /** A fixed value (the reference code's 0.2, or 1.0 for DTD and EuroSAT). */
        FIXED,
        /** BBT's rule from the token-embedding table's std (from /v1/model). */
        BBT
    }
}
