package dev.craft.api;

import java.util.List;

/**
 * A class set.
 *
 * @param classSetId    id to use in predict requests
 * @param classNames    the class names, in logit order
 * @param template      the template
 * @param contextTokens L, the number of template tokens before the placeholder; a prompt offset is L x d
 * @param tokenDim      d
 */
public record ClassSetInfo(String classSetId, List<String> classNames, String template, int contextTokens,
                           int tokenDim) {
}
