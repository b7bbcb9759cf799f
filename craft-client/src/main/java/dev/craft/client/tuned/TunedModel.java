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
 * The deployable artefact in RUN_DIR/tuned/: the prompt offset (prompt.tensor, [L, d]; with V
 * views ({@code --views}) the V offsets, [V, L, d]), the refinement network (refiner.tensors, absent
 * for methods without one) and tuned.json naming the model, template and classes. Used with the
 * black box through /v1/classify, one query per view.
 *
 * @param info   what tuned.json holds
 * @param prompt the offsets, V * L * d values
 */
public record TunedModel(Info info, float[] prompt) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * @param refiner the network's shape and optimiser (null: no refinement, logits are used as returned)
     * @param views   prompts whose logits the refinement network reads side by side; null (an artefact
     *                written before views existed) reads as 1
     */
    public record Info(String modelId, String method, String preset, String template, List<String> classNames,
                       int contextTokens, int tokenWidth, RefinerConfig refiner, Integer views) {

        public Info {
            if (views == null) {
                views = 1;
            }
            if (views < 1) {
                throw new IllegalArgumentException("views must be >= 1, got " + views);
            }
        }
    }

    /** The offset of view {@code view} (0-based; the last is the final search stage's). */
    public float[] prompt(int view) {
        int size = info.contextTokens() * info.tokenWidth();
        return java.util.Arrays.copyOfRange(prompt, view * size, (view + 1) * size);
    }

    /** Writes the artefact (one offset per view, in order) and returns its size in bytes. */
    public static long write(Path dir, Info info, List<float[]> prompts, RefinerState refiner) throws IOException {
        if (prompts.size() != info.views()) {
            throw new IllegalArgumentException(prompts.size() + " prompts for " + info.views() + " views");
        }
        Files.createDirectories(dir);
        int size = info.contextTokens() * info.tokenWidth();
        float[] all = new float[prompts.size() * size];
        for (int v = 0; v < prompts.size(); v++) {
            System.arraycopy(prompts.get(v), 0, all, v * size, size);
        }
        int[] shape = info.views() == 1 ? new int[] {info.contextTokens(), info.tokenWidth()}
                : new int[] {info.views(), info.contextTokens(), info.tokenWidth()};
        AtomicFiles.write(dir.resolve("prompt.tensor"), out -> TensorCodec.write(new Tensor(shape, all), out));
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
            float[] prompt = TensorCodec.read(in, 1 << 26).data();
            long expected = (long) info.views() * info.contextTokens() * info.tokenWidth();
            if (prompt.length != expected) {
                throw new IOException("prompt.tensor in " + dir + " holds " + prompt.length + " values; tuned.json "
                        + "describes " + info.views() + " view(s) of " + info.contextTokens() + " x "
                        + info.tokenWidth());
            }
            return new TunedModel(info, prompt);
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
