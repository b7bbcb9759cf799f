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
 * Java (DJL) against Python on the built bench bundle ({@code deploy/models/build_bundle.sh bench}: MiniLM-L6-v2 text
 * tower with the map onto the ImageNet classifier's weight rows, dequantised ImageNet MobileNetV2 image tower, 224 px
 * with TFLite's input normalisation), read from {@code $CRAFT_CACHE/bundles/bench}. Skipped when the bundle has not
 * been built (it needs ../shared/assets).
 */
class BenchBundleParityTest {

    private static DualEncoderModel model;
    private static BundleReference reference;

    @BeforeAll
    static void load() throws Exception {
        Path dir = BuiltBundles.dir("bench");
        Assumptions.assumeTrue(Files.isRegularFile(dir.resolve(".complete")),
                "bench bundle not built at " + dir + "; run deploy/models/build_bundle.sh bench (needs ../shared/assets)");
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
    void manifestSaysOpenVocabularyBench() {
        assertThat(model.manifest().name()).isEqualTo("bench");
        assertThat(model.manifest().vocabulary()).isEqualTo("open");
        assertThat(model.manifest().text().pooling()).isEqualTo("mean");
        assertThat(model.manifest().embedDim()).isEqualTo(1280);
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
