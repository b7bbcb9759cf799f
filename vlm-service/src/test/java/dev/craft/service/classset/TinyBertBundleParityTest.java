package dev.craft.service.classset;

import ai.djl.Device;
import dev.craft.service.VlmProperties;
import dev.craft.service.model.BundleLoader;
import dev.craft.service.model.DualEncoderModel;
import dev.craft.service.model.tokenizer.WordPieceTokenizer;
import dev.craft.service.predict.LogitsComputer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Java (DJL) against Python on the committed BERT-style tiny bundle deploy/models/bundles/tiny-bert (WordPiece
 * tokenizer, bidirectional encoder with an attention mask from the end positions, mean pooling). The reference
 * was computed by make_tiny_bert_bundle.py over full 64-token padded sequences; the service trims to the longest
 * end position, so this also shows that padding is masked out. In this package so that the class prompts can be
 * built exactly as the service builds them (PromptTemplate is package-private).
 */
class TinyBertBundleParityTest {

    private static final double TOLERANCE = 1e-4;
    private static final Path BUNDLE = Path.of("../deploy/models/bundles/tiny-bert");

    private static DualEncoderModel model;
    private static JsonNode reference;

    @BeforeAll
    static void load() throws Exception {
        model = BundleLoader.load(BUNDLE, Device.cpu());
        reference = JsonMapper.builder().build().readTree(BUNDLE.resolve("reference.json").toFile());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void bundleUsesTheWordPieceTokenizer() {
        assertThat(model.manifest().architecture()).isEqualTo("bert-dual-encoder");
        assertThat(model.manifest().text().pooling()).isEqualTo("mean");
        assertThat(model.tokenizer()).isInstanceOf(WordPieceTokenizer.class);
        WordPieceTokenizer tokenizer = (WordPieceTokenizer) model.tokenizer();
        assertThat(tokenizer.startToken()).isEqualTo(model.manifest().text().startToken()).isEqualTo(tokenizer.id("[CLS]"));
        assertThat(tokenizer.endToken()).isEqualTo(model.manifest().text().endToken()).isEqualTo(tokenizer.id("[SEP]"));
        assertThat(model.manifest().text().padToken()).isEqualTo(tokenizer.id("[PAD]"));
        assertThat(tokenizer.tokens("A Photo of a Goldfish.")).containsExactly("a", "photo", "of", "a", "gold", "##fish", ".");
    }

    @Test
    void imageFeaturesMatchPython() {
        int b = shape("pixels")[0];
        float[] features = model.encodeImages(values("pixels"), b);
        assertClose("image features", features, normalizeRows(values("imageFeatures"), model.embedDim()));
    }

    @Test
    void logitsFromReferenceTokenIdsMatchPython() {
        assertLogitsMatch(classPromptsFromReference());
    }

    @Test
    void classPromptsBuiltByTheServiceAreClsPrefixClassSepAndMatchPython() {
        List<String> names = new ArrayList<>();
        reference.get("classNames").forEach(n -> names.add(n.asString()));
        ClassPrompts built = ClassPrompts.build(model, PromptTemplate.parse(reference.get("template").asString()), names);
        ClassPrompts expected = classPromptsFromReference();

        assertThat(built.contextTokens()).isEqualTo(reference.get("prefixLength").asInt());
        assertThat(built.sequenceLength()).isEqualTo(expected.sequenceLength());
        assertThat(built.endPositions()).containsExactly(expected.endPositions());
        // the same token at every position, padding included (the table rows are distinct random vectors)
        assertThat(built.embeddings()).containsExactly(expected.embeddings());
        var text = model.manifest().text();
        int t = built.sequenceLength();
        for (int k = 0; k < built.classCount(); k++) {
            int end = (int) built.endPositions()[k];
            assertThat(row(built, k, 0)).containsExactly(tokenRow(text.startToken()));
            assertThat(row(built, k, end)).containsExactly(tokenRow(text.endToken()));
            for (int pos = end + 1; pos < t; pos++) {
                assertThat(row(built, k, pos)).containsExactly(tokenRow(text.padToken()));
            }
        }
        assertLogitsMatch(built);
    }

    private void assertLogitsMatch(ClassPrompts classes) {
        int p = shape("prompts")[0];
        int b = shape("pixels")[0];
        float[] images = model.encodeImages(values("pixels"), b);
        VlmProperties properties = new VlmProperties(null, null, null, null, null, null, null);
        float[] logits = new LogitsComputer(model, properties).logits(images, b, classes, values("prompts"), p);
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

    private static float[] row(ClassPrompts prompts, int k, int pos) {
        int d = prompts.tokenWidth();
        float[] out = new float[d];
        System.arraycopy(prompts.embeddings(), (k * prompts.sequenceLength() + pos) * d, out, 0, d);
        return out;
    }

    private static float[] tokenRow(int token) {
        float[] out = new float[model.tokenWidth()];
        model.copyTokenEmbedding(token, out, 0);
        return out;
    }

    private static void assertClose(String what, float[] actual, float[] expected) {
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
        }
        System.out.printf("tiny-bert parity: %s max abs difference to Python %.3g%n", what, worst);
        assertThat(worst).as("max abs difference to Python (" + what + ")").isLessThan(TOLERANCE);
    }

    private static float[] normalizeRows(float[] values, int width) {
        float[] out = values.clone();
        for (int r = 0; r < values.length / width; r++) {
            double sum = 0;
            for (int j = 0; j < width; j++) {
                sum += (double) values[r * width + j] * values[r * width + j];
            }
            double norm = Math.sqrt(sum);
            for (int j = 0; j < width; j++) {
                out[r * width + j] = (float) (values[r * width + j] / norm);
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
