package dev.craft.client.tuned;

import dev.craft.api.Tensor;
import dev.craft.api.TensorCodec;
import dev.craft.client.io.AtomicFiles;
import dev.craft.client.refine.RefinementMlp;
import dev.craft.client.refine.RefinerConfig;
import dev.craft.client.refine.RefinerState;
import tools.jackson.databind.json.JsonMapper;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The deployable artefact in RUN_DIR/tuned/: the prompt offset (prompt.tensor, [L, d]), the
 * refinement network (refiner.tensors, absent for methods without one) and tuned.json naming the
 * model, template and classes. Used with the black box through /v1/classify.
 *
 * @param info   what tuned.json holds
 * @param prompt the offset, L * d values
 */
public record TunedModel(Info info, float[] prompt) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * @param refiner the network's shape and optimiser (null: no refinement, logits are used as returned)
     */
    public record Info(String modelId, String method, String preset, String template, List<String> classNames,
                       int contextTokens, int tokenWidth, RefinerConfig refiner) {
    }

    /** Writes the artefact and returns its size in bytes. */
    public static long write(Path dir, Info info, float[] prompt, RefinerState refiner) throws IOException {
        Files.createDirectories(dir);
        AtomicFiles.write(dir.resolve("prompt.tensor"),
                out -> TensorCodec.write(new Tensor(new int[] {info.contextTokens(), info.tokenWidth()}, prompt), out));
        if (refiner != null) {
            try (RefinementMlp mlp = RefinementMlp.fromState(refiner)) {
                AtomicFiles.write(dir.resolve("refiner.tensors"), mlp::writeParameters);
            }
        } else {
            Files.deleteIfExists(dir.resolve("refiner.tensors"));
        }
        AtomicFiles.write(dir.resolve("tuned.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(info));
        try (Stream<Path> files = Files.list(dir)) {
            long bytes = 0;
            for (Path file : files.toList()) {
                bytes += Files.size(file);
            }
            return bytes;
        }
    }

    public static TunedModel read(Path dir) throws IOException {
        Path json = dir.resolve("tuned.json");
        if (!Files.isRegularFile(json)) {
            throw new IOException("no tuned model in " + dir + " (tuned.json is missing)");
        }
        Info info = JSON.readValue(json.toFile(), Info.class);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(dir.resolve("prompt.tensor")))) {
            return new TunedModel(info, TensorCodec.read(in, 1 << 26).data());
        }
    }

    /** The refinement network, or null when the method has none. Close it after use. */
    public RefinementMlp openRefiner(Path dir) throws IOException {
        if (info.refiner() == null) {
            return null;
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(dir.resolve("refiner.tensors")))) {
            return RefinementMlp.readParameters(info.refiner(), in);
        }
    }
}
