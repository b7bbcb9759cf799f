package dev.craft.service.classset;

import dev.craft.api.ClassSetRequest;
import dev.craft.service.model.DualEncoderModel;

import java.util.List;

/** Class prompts exactly as the service builds them for a class set with the default template. */
public final class DefaultTemplatePrompts {

    private DefaultTemplatePrompts() {
    }

    public static ClassPrompts build(DualEncoderModel model, List<String> classNames) {
        return ClassPrompts.build(model, PromptTemplate.parse(ClassSetRequest.DEFAULT_TEMPLATE), classNames);
    }
}
