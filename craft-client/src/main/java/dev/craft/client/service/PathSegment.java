package dev.craft.client.service;

import java.nio.charset.StandardCharsets;

/** Percent-encodes one URL path segment (RFC 3986: everything but unreserved characters). */
final class PathSegment {

    private PathSegment() {
    }

    static String encode(String segment) {
        StringBuilder out = new StringBuilder();
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0)) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }
}
