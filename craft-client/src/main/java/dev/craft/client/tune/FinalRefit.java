package dev.craft.client.tune;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * What happens to the refinement network after the last round ({@code --final-refit}); only
 * methods with a refinement network (pr, pgpr, craft) are affected.
 */
public enum FinalRefit {
    /** The loop's network is the final one (the paper's procedure). */
    NONE,
    /**
     * A fresh network is fitted on the final prompt's training logits with plain cross-entropy, for
     * a number of epochs chosen by 4-fold cross-validation (0: no network); it replaces the loop's
     * for the final evaluation and the tuned artefact. No query is spent.
     */
    CV,
    /**
     * As {@link #CV}, and for a method with consistency terms (craft) the refit also trains with
     * CraFT's refinement consistency term w KL(softmax(f) || softmax(r)), its weight w chosen with
     * the epochs from {@link dev.craft.client.refine.CrossValidatedRefit#CONSISTENCY_WEIGHT_GRID};
     * the choice minimises the validation cross-entropy. Other methods refit with w = 0 chosen the
     * same way. No query is spent.
     */
    CV_KL;

    /** Whether a fresh network replaces the loop's after the last round. */
    public boolean refits() {
        return this != NONE;
    }

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The value for an id such as "cv"; case does not matter. */
    @JsonCreator
    public static FinalRefit fromId(String id) {
        return EnumIds.fromId(FinalRefit.class, FinalRefit::id, id, "final refit");
    }
}
