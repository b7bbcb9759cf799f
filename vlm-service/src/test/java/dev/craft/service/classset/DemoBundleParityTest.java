package dev.craft.service.classset;

import ai.djl.Device;
import dev.craft.service.model.BundleLoader;
import dev.craft.service.model.DualEncoderModel;
import dev.craft.service.testsupport.BundleReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Java (DJL) against Python on the built demo bundle ({@code deploy/models/build_bundle.sh demo}: MiniLM-L6-v2 text
 * tower, nsfwjs MobileNetV2 image tower, projections aligned on Fashion-MNIST), read from
 * {@code $CRAFT_CACHE/bundles/demo} (default {@code ~/.cache/craft}). Skipped when the bundle has not been built.
 * The class prompts are built by the service from the reference's class names and template, with the bundle's
 * real WordPiece vocabulary, and must equal the Python token sequences.
 */
class DemoBundleParityTest {

    private static DualEncoderModel model;
    private static BundleReference reference;

    @BeforeAll
    static void load() throws Exception {
        Path dir = BuiltBundles.dir("demo");
        Assumptions.assumeTrue(Files.isRegularFile(dir.resolve(".complete")),
                "demo bundle not built at " + dir + "; run deploy/models/build_bundle.sh demo");
        model = BundleLoader.load(dir, Device.cpu());
        reference = BundleReference.read(dir.resolve("reference.json"));
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    @Test
    void manifestSaysClosedVocabularyDemo() {
        assertThat(model.manifest().name()).isEqualTo("demo");
        assertThat(model.manifest().vocabulary()).isEqualTo("closed");
        assertThat(model.manifest().text().pooling()).isEqualTo("mean");
    }

    @Test
    void imageFeaturesMatchPython() {
        reference.assertImageFeaturesMatch(model);
    }

    @Test
    void logitsOfClassPromptsBuiltByTheServiceMatchPython() {
        BuiltBundles.assertServiceBuiltPromptsMatch(model, reference);
    }
}
