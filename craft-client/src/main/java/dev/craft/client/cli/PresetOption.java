package dev.craft.client.cli;

import dev.craft.client.tune.Preset;
import picocli.CommandLine.Option;

/** {@code --preset}: which set of defaults a tuning run uses; shared by tune, bench and bench-perf. */
public final class PresetOption {

    @Option(names = "--preset", defaultValue = "craft+views",
            description = "paper, reference, craft+ or craft+views defaults (default: ${DEFAULT-VALUE}).")
    String preset;

    /** @throws IllegalArgumentException naming the accepted values */
    public Preset value() {
        try {
            return Preset.fromId(preset);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--preset '" + preset + "' is not one of [paper, reference, craft+, craft+views]");
        }
    }
}
