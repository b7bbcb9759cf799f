package dev.craft.client.tune;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.craft.client.refine.ClassCounts;
import dev.craft.client.refine.LdaSeparability;
import dev.craft.client.refine.Losses;
import dev.craft.client.refine.ViewRows;

import java.util.ArrayList;
import java.util.List;
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
        return of(logits, List.of(), refined, labels, k, lambdaKl);
    }

    /**
     * As {@link #of(float[], float[], int[], int, double)}, with {@link #LDA} scoring the candidate's
     * logits side by side with {@code earlierViews} (each [N, K]): how separable the classes are in
     * everything the refinement network will read, so the candidate is scored by what it adds.
     * {@link #CE} ignores them (it asks the candidate's logits to be right on their own).
     */
    public double of(float[] logits, List<float[]> earlierViews, float[] refined, int[] labels, int k,
                     double lambdaKl) {
        if (this == CE) {
            return refined == null ? Losses.crossEntropy(logits, labels, k)
                    : Losses.fitness(logits, refined, labels, k, lambdaKl);
        }
        List<float[]> views = new ArrayList<>(earlierViews);
        views.add(logits);
        double separability = LdaSeparability.crossEntropy(ViewRows.sideBySide(views, k), views.size() * k, labels, k);
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
