package dev.craft.client.cli;

import dev.craft.client.service.VlmClient;
import dev.craft.client.tuned.TunedClassifier;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** {@code --model}: the tuned artefact a command classifies with; shared by eval and classify. */
public final class TunedModelOption {

    @Option(names = "--model", required = true, description = "The tuned artefact: RUN_DIR/tuned.")
    Path model;

    /** Opens the artefact against the service {@code client} talks to. */
    public TunedClassifier open(VlmClient client) throws IOException {
        return TunedClassifier.open(model, client);
    }
}
