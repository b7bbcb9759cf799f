package dev.craft.client.cli;

import dev.craft.client.tune.FinalRefit;
import picocli.CommandLine.Option;

/** {@code --final-refit}: what replaces the loop's refinement network after the last round; shared by tune and bench. */
public final class FinalRefitOption {

    @Option(names = "--final-refit", paramLabel = "none|cv|cv-kl",
            description = "After the last round: none (keep the loop's refinement network), cv (fit a fresh one on "
                    + "the final prompt's training logits, epochs chosen by 4-fold cross-validated accuracy; no query) "
                    + "or cv-kl (as cv, and for craft also trained with the consistency term, its weight chosen "
                    + "from 0, 0.03, 0.1, 0.3, 1 with the epochs by cross-validated cross-entropy; no query) "
                    + "(default: the preset's, none for paper and reference, cv-kl for craft+ and craft+views).")
    String finalRefit;

    /** Null when the option was not given (the preset decides). @throws IllegalArgumentException naming the accepted values */
    public FinalRefit value() {
        return finalRefit == null ? null : OptionValues.enumValue(FinalRefit.class, finalRefit, "--final-refit");
    }
}
