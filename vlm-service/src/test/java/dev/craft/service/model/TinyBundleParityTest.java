package dev.craft.service.model;

import ai.djl.Device;
import dev.craft.service.testsupport.BundleReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * Java (DJL, libtorch 2.7) against Python (torch 1.13) on the committed tiny bundle: the reference
 * outputs in deploy/models/bundles/tiny/reference.json were computed by make_tiny_bundle.py over
 * full 77-token sequences; the service trims sequences to the longest end position, so this also
 * proves the trimming exact. The bundle is loaded the way the service loads its default: extracted
 * from the classpath.
 */
class TinyBundleParityTest {

    @TempDir
    static Path bundleDir;

    private static DualEncoderModel model;
    private static BundleReference reference;

    @BeforeAll
    static void load() throws Exception {
        model = BundleLoader.load(EmbeddedBundle.extractTo(bundleDir), Device.cpu());
        reference = BundleReference.read(Path.of("../deploy/models/bundles/tiny/reference.json"));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void imageFeaturesMatchPython() {
        reference.assertImageFeaturesMatch(model);
    }

    @Test
    void logitsWithAndWithoutPromptOffsetMatchPython() {
        reference.assertLogitsMatch(model, reference.classPrompts(model));
    }
}
