package dev.craft.client.cli;

import dev.craft.client.tune.FinalRefit;
import picocli.CommandLine.Option;

/** {@code --final-refit}: what replaces the loop's refinement network after the last round; shared by tune and bench. */
public final class FinalRefitOption {

    @Option(names = "--final-refit", paramLabel = "none|cv",
            description = "After the last round: none (keep the loop's refinement network) or cv (fit a fresh one on "
                    + "the final prompt's training logits, epochs chosen by 4-fold cross-validation; no query) "
                    + "(default: the preset's, none for paper and reference).")
    String finalRefit;

    /** Null when the option was not given (the preset decides). @throws IllegalArgumentException naming the accepted values */
    public FinalRefit value() {
        return finalRefit == null ? null : OptionValues.enumValue(FinalRefit.class, finalRefit, "--final-refit");
    }
}
