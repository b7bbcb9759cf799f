package dev.craft.client.perf;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.util.Pair;
import dev.craft.client.DjlRuntime;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The size of a served model, counted from its bundle: the parameters of both TorchScript encoders
 * (loaded with DJL, as the service loads them; named parameters only, no buffers) and the
 * token-embedding table (its .npy shape). Nothing of this ever leaves the service; the count is
 * taken from a copy of the bundle on the benchmarking machine.
 *
 * @param parts      one entry per counted file
 * @param parameters their sum
 * @param fileBytes  the bytes of those files on disk
 */
public record ModelFootprint(List<Part> parts, long parameters, long fileBytes) {

    /** @param role text encoder, image encoder or token embedding */
    public record Part(String role, String file, long parameters, long fileBytes) {
    }

    /** Bytes of the parameters as float32, the precision the service computes in. */
    public long parameterBytes() {
        return 4 * parameters;
    }

    /** @throws IllegalArgumentException when {@code bundleDir} is not a bundle or a file will not load */
    public static ModelFootprint of(Path bundleDir) throws IOException {
        Path manifestFile = bundleDir.resolve("bundle.json");
        if (!Files.isRegularFile(manifestFile)) {
            throw new IllegalArgumentException(bundleDir + " is not a model bundle (no bundle.json)");
        }
        JsonNode manifest = JsonMapper.builder().build().readTree(Files.readString(manifestFile));
        List<Part> parts = new ArrayList<>();
        parts.add(torchScript("text encoder", bundleDir, text(manifest, "text", "encoder", manifestFile)));
        JsonNode image = manifest.path("image").path("encoder");
        if (image.isString()) {
            parts.add(torchScript("image encoder", bundleDir, image.asString()));
        }
        String table = text(manifest, "text", "tokenEmbedding", manifestFile);
        Path tableFile = bundleDir.resolve(table);
        parts.add(new Part("token embedding", table, NpyShape.elements(NpyShape.read(tableFile)), Files.size(tableFile)));
        return new ModelFootprint(List.copyOf(parts), parts.stream().mapToLong(Part::parameters).sum(),
                parts.stream().mapToLong(Part::fileBytes).sum());
    }

    private static String text(JsonNode manifest, String group, String field, Path file) {
        JsonNode node = manifest.path(group).path(field);
        if (!node.isString()) {
            throw new IllegalArgumentException(file + " has no " + group + "." + field);
        }
        return node.asString();
    }

    private static Part torchScript(String role, Path bundleDir, String name) throws IOException {
        Path file = bundleDir.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("the bundle's " + role + " " + file + " is missing");
        }
        DjlRuntime.configure();
        Criteria<NDList, NDList> criteria = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelPath(file)
                .optEngine("PyTorch")
                .optDevice(Device.cpu())
                .optOption("mapLocation", "true")
                .optTranslator(new NoopTranslator())
                .build();
        long count = 0;
        try (ZooModel<NDList, NDList> model = criteria.loadModel()) {
            for (Pair<String, Parameter> parameter : model.getBlock().getParameters()) {
                count += parameter.getValue().getArray().size();
            }
        } catch (ModelNotFoundException | MalformedModelException e) {
            throw new IllegalArgumentException("cannot load the " + role + " " + file + ": " + e.getMessage(), e);
        }
        return new Part(role, name, count, Files.size(file));
    }
}
