package dev.craft.client.cli;

import picocli.CommandLine.Option;

/** {@code --views}: how many prompts the refinement network reads; shared by tune and bench. */
public final class ViewsOption {

    @Option(names = "--views", paramLabel = "V",
            description = "Prompts searched one after another, the budget split evenly between them; the refinement "
                    + "network reads all their logits side by side. craft searches each next prompt for what the "
                    + "earlier ones lack (its fitness scores the candidate together with them); pgpr searches each "
                    + "on its own. A prediction then costs V queries. Needs 4 shots per class (fewer: one prompt). "
                    + "Only affects pgpr and craft (default: the preset's, 2 for craft+views, else 1).")
    Integer views;

    /** Null when the option was not given. */
    public Integer value() {
        return views;
    }
}
