package dev.craft.service.classset;

import ai.djl.Device;
import dev.craft.service.model.BundleLoader;
import dev.craft.service.model.DualEncoderModel;
import dev.craft.service.model.selection.BundleChoice;
import dev.craft.service.model.selection.BundleResolver;
import dev.craft.service.model.selection.ResolvedBundle;
import dev.craft.service.testsupport.BundleReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Java against Python on the bundles built by deploy/models/build_bundle.sh (demo, bench) in the bundles home
 * ($CRAFT_CACHE/bundles, else ~/.cache/craft/bundles): each is selected and loaded exactly as the service does
 * (vlm.model.bundle=NAME), and its reference.json - written by the build with deploy/models/reference_outputs.py -
 * must be reproduced within 1e-4: image features, logits from the reference token ids with and without a prompt
 * offset, and the class prompts the service's own tokenizer builds. Skipped for a bundle that is not built (CI builds
 * both before mvn verify).
 */
class BuiltBundleParityTest {

    @ParameterizedTest
    @ValueSource(strings = {"demo", "bench"})
    void builtBundleMatchesItsPythonReference(String name) {
        Path home = BundleChoice.bundlesHome(null, System.getenv(), System.getProperty("user.home"));
        assumeTrue(BundleResolver.isBuilt(home.resolve(name)), () -> "Skipped: bundle " + name + " is not built in "
                + home + " (deploy/models/build_bundle.sh " + name + ")");
        // no build script: a built bundle must resolve without one
        ResolvedBundle bundle = new BundleResolver(null, null, List.of()).resolve(BundleChoice.parse(name, home));
        BundleReference reference = BundleReference.read(bundle.directory().resolve("reference.json"));
        try (DualEncoderModel model = BundleLoader.load(bundle.directory(), Device.cpu())) {
            assertThat(model.manifest().name()).isEqualTo(name);
            // demo is aligned on Fashion-MNIST only; bench maps any class name into the ImageNet classifier
            assertThat(model.manifest().vocabulary()).isEqualTo(name.equals("demo") ? "closed" : "open");
            assertThat(model.manifest().text().pooling()).isEqualTo("mean");
            assertThat(model.manifest().modelId()).isEqualTo(reference.json().get("modelId").asString());
            reference.assertImageFeaturesMatch(model);
            reference.assertLogitsMatch(model, reference.classPrompts(model));
            reference.assertLogitsMatch(model, ReferencePrompts.builtByTheService(model, reference));
        }
    }
}
