package dev.craft.service.classset;

import dev.craft.service.model.DualEncoderModel;
import dev.craft.service.testsupport.BundleReference;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bundles that {@code deploy/models/build_bundle.sh <name>} builds into {@code $CRAFT_CACHE/bundles/<name>}
 * (default {@code ~/.cache/craft}), and the parity check shared by their tests: the service builds the class prompts
 * from the reference's class names and template with the bundle's own tokenizer; they must equal the Python token
 * sequences, and the logits of both reference prompt offsets must match Python within {@link BundleReference#TOLERANCE}.
 */
final class BuiltBundles {

    private BuiltBundles() {
    }

    static Path dir(String name) {
        String cache = System.getenv("CRAFT_CACHE");
        Path root = cache == null || cache.isBlank()
                ? Path.of(System.getProperty("user.home"), ".cache", "craft") : Path.of(cache);
        return root.resolve("bundles").resolve(name);
    }

    static void assertServiceBuiltPromptsMatch(DualEncoderModel model, BundleReference reference) {
        List<String> names = new ArrayList<>();
        reference.json().get("classNames").forEach(n -> names.add(n.asString()));
        ClassPrompts built = ClassPrompts.build(model, PromptTemplate.parse(reference.json().get("template").asString()),
                names);
        ClassPrompts expected = reference.classPrompts(model);
        assertThat(built.contextTokens()).isEqualTo(reference.json().get("prefixLength").asInt());
        assertThat(built.endPositions()).containsExactly(expected.endPositions());
        assertThat(built.embeddings()).containsExactly(expected.embeddings());
        reference.assertLogitsMatch(model, built);
    }
}
