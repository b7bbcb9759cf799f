package dev.craft.service.model;

import ai.djl.Device;
import dev.craft.service.VlmProperties;
import dev.craft.service.classset.ClassPrompts;
import dev.craft.service.predict.LogitsComputer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Java (DJL, libtorch 2.7) against Python (torch 1.13) on the committed tiny bundle: the reference
 * outputs in deploy/models/bundles/tiny/reference.json were computed by make_tiny_bundle.py over
 * full 77-token sequences; the service trims sequences to the longest end position, so this also
 * proves the trimming exact.
 */
class TinyBundleParityTest {

    private static final double TOLERANCE = 1e-4;
    private static final Path REFERENCE = Path.of("../deploy/models/bundles/tiny/reference.json");

    @TempDir
    static Path bundleDir;

    private static DualEncoderModel model;
    private static JsonNode reference;

    @BeforeAll
    static void load() throws Exception {
        model = BundleLoader.load(EmbeddedBundle.extractTo(bundleDir), Device.cpu());
        reference = JsonMapper.builder().build().readTree(REFERENCE.toFile());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void imageFeaturesMatchPython() {
        int b = shape("pixels")[0];
        float[] features = model.encodeImages(values("pixels"), b);
        float[] expected = normalizeRows(values("imageFeatures"), model.embedDim());
        assertClose(features, expected);
    }

    @Test
    void logitsWithAndWithoutPromptOffsetMatchPython() {
        ClassPrompts classes = classPromptsFromReference();
        int p = shape("prompts")[0];
        int b = shape("pixels")[0];
        float[] images = model.encodeImages(values("pixels"), b);
        VlmProperties properties = new VlmProperties(null, null, null, null, null, null, null);
        float[] logits = new LogitsComputer(model, properties).logits(images, b, classes, values("prompts"), p);
        float[] expected = values("logits");
        assertThat(logits).hasSize(expected.length);
        assertClose(logits, expected);
        // The reference was made with a zero and a non-zero offset: they must really differ.
        int perPrompt = b * classes.classCount();
        double largestChange = 0;
        for (int i = 0; i < perPrompt; i++) {
            largestChange = Math.max(largestChange, Math.abs(expected[i] - expected[perPrompt + i]));
        }
        assertThat(largestChange).isGreaterThan(1.0);
    }

    private ClassPrompts classPromptsFromReference() {
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
        return new ClassPrompts(k, longest, reference.get("prefixLength").asInt(), d, embeddings, endPositions);
    }

    private static void assertClose(float[] actual, float[] expected) {
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
        }
        assertThat(worst).as("max abs difference to Python").isLessThan(TOLERANCE);
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

    private static int[] shape(String key) {
        JsonNode shape = reference.get(key).get("shape");
        int[] dims = new int[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = shape.get(i).asInt();
        }
        return dims;
    }

    private static float[] values(String key) {
        List<Float> flat = new ArrayList<>();
        flatten(reference.get(key).get("data"), flat);
        float[] out = new float[flat.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = flat.get(i);
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
