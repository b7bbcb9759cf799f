package dev.craft.api;

import java.util.List;

/**
 * {@code POST /v1/classsets}.
 *
 * @param classNames the K class names, distinct
 * @param template   a prompt with exactly one "{}" placeholder; default {@value #DEFAULT_TEMPLATE}
 */
public record ClassSetRequest(List<String> classNames, String template) {

    public static final String DEFAULT_TEMPLATE = "a photo of a {}.";
}
