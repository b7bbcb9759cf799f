package dev.craft.service.classset;

import ai.djl.Device;
import dev.craft.service.model.BundleLoader;
import dev.craft.service.model.DualEncoderModel;
import dev.craft.service.model.tokenizer.WordPieceTokenizer;
import dev.craft.service.testsupport.BundleReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Java (DJL) against Python on the committed BERT-style tiny bundle deploy/models/bundles/tiny-bert (WordPiece
 * tokenizer, bidirectional encoder with an attention mask from the end positions, mean pooling). The reference
 * was computed by make_tiny_bert_bundle.py over full 64-token padded sequences; the service trims to the longest
 * end position, so this also shows that padding is masked out. In this package so that the class prompts can be
 * built exactly as the service builds them (PromptTemplate is package-private).
 */
class TinyBertBundleParityTest {

    private static final Path BUNDLE = Path.of("../deploy/models/bundles/tiny-bert");

    private static DualEncoderModel model;
    private static BundleReference reference;

    @BeforeAll
    static void load() throws Exception {
        model = BundleLoader.load(BUNDLE, Device.cpu());
        reference = BundleReference.read(BUNDLE.resolve("reference.json"));
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
        reference.assertImageFeaturesMatch(model);
    }

    @Test
    void logitsFromReferenceTokenIdsMatchPython() {
        reference.assertLogitsMatch(model, reference.classPrompts(model));
    }

    @Test
    void classPromptsBuiltByTheServiceAreClsPrefixClassSepAndMatchPython() {
        // the same token at every position, padding included (the table rows are distinct random vectors)
        ClassPrompts built = ReferencePrompts.builtByTheService(model, reference);
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
        reference.assertLogitsMatch(model, built);
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
}
