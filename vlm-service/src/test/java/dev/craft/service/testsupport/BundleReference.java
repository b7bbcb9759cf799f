package dev.craft.service.testsupport;

import dev.craft.service.VlmProperties;
import dev.craft.service.classset.ClassPrompts;
import dev.craft.service.compute.AnswerMemory;
import dev.craft.service.model.DualEncoderModel;
import dev.craft.service.predict.ComputedLogits;
import dev.craft.service.predict.LogitsComputer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bundle's reference.json, written by the Python bundle scripts under deploy/models: fixed inputs
 * (token ids, end positions, prompt offsets, pixels) and the outputs Python computed for them. The
 * parity tests feed the inputs through the service's own code and compare.
 */
public final class BundleReference {

    public static final double TOLERANCE = 1e-4;

    private final JsonNode json;

    private BundleReference(JsonNode json) {
        this.json = json;
    }

    public static BundleReference read(Path file) {
        return new BundleReference(JsonMapper.builder().build().readTree(file.toFile()));
    }

    public JsonNode json() {
        return json;
    }

    public int[] shape(String key) {
        JsonNode shape = json.get(key).get("shape");
        int[] dims = new int[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = shape.get(i).asInt();
        }
        return dims;
    }

    /** The array under {@code key}, flattened row-major. */
    public float[] values(String key) {
        List<Float> flat = new ArrayList<>();
        flatten(json.get(key).get("data"), flat);
        float[] out = new float[flat.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = flat.get(i);
        }
        return out;
    }

    /** The reference's token sequences as class prompts, trimmed to the longest end position as the service does. */
    public ClassPrompts classPrompts(DualEncoderModel model) {
        int[] shape = shape("tokenIds");
        float[] ids = values("tokenIds");
        float[] ends = values("endPositions");
        int k = shape[0];
        int longest = 0;
        for (float end : ends) {
            longest = Math.max(longest, (int) end + 1);
        }
        int d = model.tokenWidth();
        float[] embeddings = new float[k * longest * d];
        long[] endPositions = new long[k];
        for (int i = 0; i < k; i++) {
            for (int t = 0; t < longest; t++) {
                model.copyTokenEmbedding((int) ids[i * shape[1] + t], embeddings, (i * longest + t) * d);
            }
            endPositions[i] = (long) ends[i];
        }
        return new ClassPrompts(k, longest, json.get("prefixLength").asInt(), d, embeddings, endPositions);
    }

    /** The service's image features of the reference pixels equal Python's (normalised) within the tolerance. */
    public void assertImageFeaturesMatch(DualEncoderModel model) {
        float[] features = model.encodeImages(values("pixels"), shape("pixels")[0]);
        assertClose("image features", features, normalizeRows(values("imageFeatures"), model.embedDim()));
    }

    /**
     * The service's logits for the reference prompts equal Python's within the tolerance, and the
     * reference's non-zero offset really changes them (so the comparison means something).
     */
    public void assertLogitsMatch(DualEncoderModel model, ClassPrompts classes) {
        int p = shape("prompts")[0];
        int b = shape("pixels")[0];
        float[] images = model.encodeImages(values("pixels"), b);
        VlmProperties properties = new VlmProperties(null, null, null, null, null, null, null, null, null);
        float[] logits;
        try (ComputedLogits computed = new LogitsComputer(model, properties,
                new AnswerMemory(properties, new SimpleMeterRegistry())).logits(images, b, classes, values("prompts"), p)) {
            assertThat(computed.shape()).containsExactly(p, b, classes.classCount());
            logits = computed.toFloatArray();
        }
        float[] expected = values("logits");
        assertThat(logits).hasSize(expected.length);
        assertClose("logits", logits, expected);
        int perPrompt = b * classes.classCount();
        double largestChange = 0;
        for (int i = 0; i < perPrompt; i++) {
            largestChange = Math.max(largestChange, Math.abs(expected[i] - expected[perPrompt + i]));
        }
        assertThat(largestChange).as("the non-zero prompt offset changes the logits").isGreaterThan(1.0);
    }

    private static void assertClose(String what, float[] actual, float[] expected) {
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
        }
        assertThat(worst).as("max abs difference to Python (" + what + ")").isLessThan(TOLERANCE);
    }

    private static float[] normalizeRows(float[] values, int width) {
        float[] out = values.clone();
        for (int row = 0; row < values.length / width; row++) {
            double sum = 0;
            for (int j = 0; j < width; j++) {
                sum += (double) values[row * width + j] * values[row * width + j];
            }
            double norm = Math.sqrt(sum);
            for (int j = 0; j < width; j++) {
                out[row * width + j] = (float) (values[row * width + j] / norm);
            }
        }
        return out;
    }

    private static void flatten(JsonNode node, List<Float> into) {
        if (node.isArray()) {
            node.forEach(child -> flatten(child, into));
        } else {
            into.add(node.floatValue());
        }
    }
}
