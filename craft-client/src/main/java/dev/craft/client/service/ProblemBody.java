package dev.craft.client.service;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;

/**
 * The useful part of an error answer: the RFC 7807 type and detail, or, for a body that is not a
 * problem document (a proxy's HTML page, say), its first line of text.
 */
record ProblemBody(String type, String detail) {

    private static final int MAX_DETAIL = 300;

    static ProblemBody parse(byte[] body, JsonMapper json) {
        String text = new String(body, StandardCharsets.UTF_8);
        try {
            JsonNode node = json.readTree(text);
            if (node != null && node.isObject()) {
                String type = textOf(node, "type");
                String detail = textOf(node, "detail");
                if (detail == null) {
                    detail = textOf(node, "title");
                }
                if (type != null || detail != null) {
                    return new ProblemBody(type, oneLine(detail == null ? "(no detail)" : detail));
                }
            }
        } catch (JacksonException notJson) {
            // fall through: show the raw text
        }
        return new ProblemBody(null, text.isBlank() ? "(empty body)" : oneLine(text));
    }

    private static String textOf(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isString() && !value.stringValue().isBlank() ? value.stringValue() : null;
    }

    private static String oneLine(String text) {
        String line = text.strip().replaceAll("\\s+", " ");
        return line.length() > MAX_DETAIL ? line.substring(0, MAX_DETAIL) + "..." : line;
    }
}
