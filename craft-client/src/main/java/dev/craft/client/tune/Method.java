package dev.craft.client.tune;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** The methods a tuning run can use (ALGORITHM.md, "Baselines and ablations"). */
public enum Method {
    /** Zero-shot: the plain template, no training. */
    ZS(false, false, false),
    /** Black-box tuning: prompt search only, fitness = CE. */
    BBT(true, false, false),
    /** Prediction refinement only, trained on the zero-shot logits (one training query). */
    PR(false, true, false),
    /** Both modules alternated, without the prediction-consistent KL terms. */
    PGPR(true, true, false),
    /** CraFT: both modules with both KL terms. */
    CRAFT(true, true, true);

    private final boolean searchesPrompt;
    private final boolean refines;
    private final boolean consistency;

    Method(boolean searchesPrompt, boolean refines, boolean consistency) {
        this.searchesPrompt = searchesPrompt;
        this.refines = refines;
        this.consistency = consistency;
    }

    public boolean searchesPrompt() {
        return searchesPrompt;
    }

    public boolean refines() {
        return refines;
    }

    public boolean consistency() {
        return consistency;
    }

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The value for an id such as "craft"; case does not matter. */
    @JsonCreator
    public static Method fromId(String id) {
        return EnumIds.fromId(Method.class, Method::id, id, "method");
    }
}
