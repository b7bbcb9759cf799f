package dev.craft.client.cli;

import dev.craft.client.service.VlmClient;
import dev.craft.client.tuned.TunedClassifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "classify", mixinStandardHelpOptions = true,
        description = "Classify images with a tuned artefact: one query per view of the artefact per request of up to "
                + "--batch images; "
                + "prints one line per image: file, predicted class, its probability.")
public final class ClassifyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ServiceOptions service;

    @Mixin
    TunedModelOption model;

    @Option(names = "--batch", defaultValue = "64", description = "Images per request (the service allows 64; default: ${DEFAULT-VALUE}).")
    int batch;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Image files.")
    List<Path> images;

    @Override
    public Integer call() throws Exception {
        for (Path image : images) {
            if (!Files.isRegularFile(image)) {
                throw new IllegalArgumentException("image " + image + " does not exist");
            }
        }
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be at least 1");
        }
        VlmClient client = service.client();
        try (TunedClassifier classifier = model.open(client)) {
            List<String> names = classifier.classNames();
            int k = names.size();
            for (int start = 0; start < images.size(); start += batch) {
                List<Path> chunk = images.subList(start, Math.min(images.size(), start + batch));
                float[] logits = classifier.logitsOfImages(chunk);
                for (int i = 0; i < chunk.size(); i++) {
                    int best = 0;
                    double sum = 0;
                    for (int c = 0; c < k; c++) {
                        if (logits[i * k + c] > logits[i * k + best]) {
                            best = c;
                        }
                    }
                    for (int c = 0; c < k; c++) {
                        sum += Math.exp(logits[i * k + c] - logits[i * k + best]);
                    }
                    spec.commandLine().getOut().printf(Locale.ROOT, "%s\t%s\t%.4f%n", chunk.get(i), names.get(best), 1 / sum);
                }
            }
        }
        return 0;
    }
}
