package dev.craft.service.classset;

import dev.craft.service.model.DualEncoderModel;
import dev.craft.service.testsupport.BundleReference;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The class prompts the service builds (its tokenizer and template code) for a reference.json's class names and
 * template; in this package because PromptTemplate and ClassPrompts.build are package-private.
 */
final class ReferencePrompts {

    private ReferencePrompts() {
    }

    /** Built by the service; asserts they are the reference's token sequences (same tokens, same end positions). */
    static ClassPrompts builtByTheService(DualEncoderModel model, BundleReference reference) {
        List<String> names = new ArrayList<>();
        reference.json().get("classNames").forEach(n -> names.add(n.asString()));
        ClassPrompts built = ClassPrompts.build(model, PromptTemplate.parse(reference.json().get("template").asString()),
                names);
        ClassPrompts expected = reference.classPrompts(model);
        assertThat(built.contextTokens()).isEqualTo(reference.json().get("prefixLength").asInt());
        assertThat(built.sequenceLength()).isEqualTo(expected.sequenceLength());
        assertThat(built.endPositions()).containsExactly(expected.endPositions());
        // the same token at every position, padding included
        assertThat(built.embeddings()).containsExactly(expected.embeddings());
        return built;
    }
}
