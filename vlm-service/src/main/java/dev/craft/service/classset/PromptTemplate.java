package dev.craft.service.classset;

import dev.craft.api.ProblemTypes;
import dev.craft.service.problem.ApiException;

/**
 * A prompt template with one "{}" placeholder. The text before it is the learnable context (its L
 * tokens receive the prompt offset); the class name and the text after it follow. Prefix and rest
 * are tokenised separately, which equals tokenising the whole prompt whenever the placeholder
 * stands after a space, as in "a photo of a {}.".
 */
record PromptTemplate(String text, String prefix, String suffix) {

    static final String PLACEHOLDER = "{}";
    static final int MAX_LENGTH = 500;

    static PromptTemplate parse(String template) {
        if (template == null || template.isBlank()) {
            throw invalid("the template is empty");
        }
        if (template.length() > MAX_LENGTH) {
            throw invalid("the template is longer than " + MAX_LENGTH + " characters");
        }
        int at = template.indexOf(PLACEHOLDER);
        if (at < 0 || template.indexOf(PLACEHOLDER, at + 1) >= 0) {
            throw invalid("the template needs exactly one '{}' placeholder, got '" + template + "'");
        }
        return new PromptTemplate(template, template.substring(0, at), template.substring(at + PLACEHOLDER.length()));
    }

    String fill(String className) {
        return className + suffix;
    }

    static ApiException invalid(String detail) {
        return ApiException.badRequest(ProblemTypes.INVALID_TEMPLATE, detail);
    }
}
