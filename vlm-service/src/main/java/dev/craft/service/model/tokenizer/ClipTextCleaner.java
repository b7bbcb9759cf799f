package dev.craft.service.model.tokenizer;

import java.util.Locale;

/**
 * CLIP's text normalisation before pre-tokenisation, step by step as {@code simple_tokenizer} does it (without
 * ftfy): HTML-unescape twice, strip, replace each whitespace run by one space, strip again, lower-case.
 *
 * <p>Python's {@code str.strip} and the {@code regex} module's {@code \s} disagree on U+001C..U+001F: strip removes
 * them, {@code \s} does not match them, so inside the text they survive as ordinary characters.
 */
final class ClipTextCleaner {

    private ClipTextCleaner() {
    }

    static String clean(String text) {
        String unescaped = HtmlEntities.unescape(HtmlEntities.unescape(text));
        return strip(collapseWhitespace(strip(unescaped))).toLowerCase(Locale.ROOT);
    }

    private static String collapseWhitespace(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean inRun = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (isRegexWhitespace(cp)) {
                if (!inRun) {
                    out.append(' ');
                }
                inRun = true;
            } else {
                out.appendCodePoint(cp);
                inRun = false;
            }
        }
        return out.toString();
    }

    private static String strip(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && isStrippable(text.codePointAt(start))) {
            start += Character.charCount(text.codePointAt(start));
        }
        while (end > start && isStrippable(text.codePointBefore(end))) {
            end -= Character.charCount(text.codePointBefore(end));
        }
        return text.substring(start, end);
    }

    /** Python's {@code str.isspace}. */
    private static boolean isStrippable(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85;
    }

    /** The Unicode White_Space property, which is what {@code \s} of Python's {@code regex} module matches. */
    static boolean isRegexWhitespace(int cp) {
        return isStrippable(cp) && !(cp >= 0x1C && cp <= 0x1F);
    }
}
