package dev.craft.client.cli;

import dev.craft.client.tune.ConsistencyOverride;
import picocli.CommandLine.Option;

/** {@code --kl-weight} and {@code --kl-cutoff}: CraFT's consistency terms over the preset's; shared by tune and bench. */
public final class ConsistencyOption {

    @Option(names = "--kl-weight", paramLabel = "W",
            description = "Weight of both KL consistency terms, lambda_KL and beta_KL (default: the preset's, 0.1/K for "
                    + "paper, craft+ and craft+views). Only affects craft.")
    Double klWeight;

    @Option(names = "--kl-cutoff", paramLabel = "N",
            description = "The refinement's KL term is on while training queries used <= budget / N; 1 = the whole run "
                    + "(default: the preset's, 4). Only affects craft.")
    Integer klCutoff;

    /** @throws IllegalArgumentException for a negative weight or a cutoff below 1 */
    public ConsistencyOverride value() {
        return new ConsistencyOverride(klWeight, klCutoff);
    }
}
