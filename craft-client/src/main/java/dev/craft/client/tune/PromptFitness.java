package dev.craft.client.tune;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.craft.client.refine.ClassCounts;
import dev.craft.client.refine.LdaSeparability;
import dev.craft.client.refine.Losses;

import java.util.Locale;

/**
 * The main term of a prompt candidate's fitness (ALGORITHM.md, "Prompt generation module"); CraFT
 * adds its KL consistency term to it. Computed on the logits the candidate's query returned: no
 * extra query either way.
 */
public enum PromptFitness {
    /** The paper's: cross-entropy of the box's logits, which must point at the right class themselves. */
    CE,
    /**
     * How well a linear decoder separates the classes in the candidate's logits: leave-one-out LDA
     * cross-entropy ({@link LdaSeparability}). The refinement network decodes the logits, so they
     * need to keep the classes apart, not to be right on their own. Used by the methods with a
     * refinement network (pgpr, craft); bbt, which predicts with the raw logits, and runs with fewer
     * than 2 shots per class use {@link #CE}.
     */
    LDA;

    /**
     * A candidate's fitness (lower is better): this term on its training logits [N, K], plus, when
     * {@code refined} is given (CraFT), lambdaKl * KL(softmax(refined) || softmax(logits)).
     */
    public double of(float[] logits, float[] refined, int[] labels, int k, double lambdaKl) {
        if (this == CE) {
            return refined == null ? Losses.crossEntropy(logits, labels, k)
                    : Losses.fitness(logits, refined, labels, k, lambdaKl);
        }
        double separability = LdaSeparability.crossEntropy(logits, labels, k);
        return refined == null || lambdaKl == 0 ? separability : separability + lambdaKl * Losses.kl(refined, logits, k);
    }

    /** This fitness where it is defined for these labels, else {@link #CE} (LDA needs 2 samples of every class). */
    public PromptFitness usableFor(int[] labels, int k) {
        return this == LDA && ClassCounts.fewest(labels, k) < 2 ? CE : this;
    }

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The value for an id such as "lda"; case does not matter. */
    @JsonCreator
    public static PromptFitness fromId(String id) {
        return EnumIds.fromId(PromptFitness.class, PromptFitness::id, id, "prompt fitness");
    }
}
