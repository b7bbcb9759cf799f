package dev.craft.service.model.tokenizer;

import java.nio.charset.Charset;
import java.util.HashMap;
import java.util.Map;

/**
 * Decodes HTML character references following the rules of Python's {@code html.unescape}: decimal and hex
 * references (semicolon optional, Windows-1252 fix-ups for 0x80-0x9F, invalid code points dropped or replaced),
 * and named references. All of HTML5's legacy entities are known (those also match without a semicolon and as a
 * prefix: {@code "&notice"} becomes {@code "¬ice"}), but only a basic set of the others; an unknown name is left
 * as it is.
 */
final class HtmlEntities {

    private static final int MAX_NAME_LENGTH = 32;
    private static final Map<String, String> NAMED = new HashMap<>();

    /** HTML5's legacy entities for U+00A0..U+00FF, in code point order. */
    private static final String[] LATIN1_NAMES = (
            "nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 "
            + "acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde "
            + "Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute "
            + "Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde "
            + "auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute "
            + "ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml").split(" ");

    static {
        // Legacy entities are also recognised without the trailing semicolon, as in HTML5.
        for (int i = 0; i < LATIN1_NAMES.length; i++) {
            legacy(LATIN1_NAMES[i], String.valueOf((char) (0xA0 + i)));
        }
        legacy("COPY", "\u00A9");
        legacy("REG", "\u00AE");
        legacy("amp", "&");
        legacy("AMP", "&");
        legacy("lt", "<");
        legacy("LT", "<");
        legacy("gt", ">");
        legacy("GT", ">");
        legacy("quot", "\"");
        legacy("QUOT", "\"");
        withSemicolon("apos", "'");
        withSemicolon("hellip", "\u2026");
        withSemicolon("mdash", "\u2014");
        withSemicolon("ndash", "\u2013");
        withSemicolon("lsquo", "\u2018");
        withSemicolon("rsquo", "\u2019");
        withSemicolon("sbquo", "\u201A");
        withSemicolon("ldquo", "\u201C");
        withSemicolon("rdquo", "\u201D");
        withSemicolon("bdquo", "\u201E");
        withSemicolon("lsaquo", "\u2039");
        withSemicolon("rsaquo", "\u203A");
        withSemicolon("bull", "\u2022");
        withSemicolon("dagger", "\u2020");
        withSemicolon("Dagger", "\u2021");
        withSemicolon("permil", "\u2030");
        withSemicolon("prime", "\u2032");
        withSemicolon("trade", "\u2122");
        withSemicolon("euro", "\u20AC");
        withSemicolon("larr", "\u2190");
        withSemicolon("rarr", "\u2192");
        withSemicolon("hearts", "\u2665");
        withSemicolon("zwj", "\u200D");
        withSemicolon("zwnj", "\u200C");
        withSemicolon("ensp", "\u2002");
        withSemicolon("emsp", "\u2003");
        withSemicolon("thinsp", "\u2009");
    }

    private HtmlEntities() {
    }

    private static void legacy(String name, String value) {
        NAMED.put(name, value);
        NAMED.put(name + ";", value);
    }

    private static void withSemicolon(String name, String value) {
        NAMED.put(name + ";", value);
    }

    static String unescape(String text) {
        int amp = text.indexOf('&');
        if (amp < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int copiedUpTo = 0;
        while (amp >= 0) {
            out.append(text, copiedUpTo, amp);
            int end = amp + 1 < text.length() && text.charAt(amp + 1) == '#'
                    ? numericReference(text, amp, out)
                    : namedReference(text, amp, out);
            if (end < 0) {
                out.append('&');
                end = amp + 1;
            }
            copiedUpTo = end;
            amp = text.indexOf('&', end);
        }
        out.append(text, copiedUpTo, text.length());
        return out.toString();
    }

    /** Appends the decoded reference starting at {@code amp} and returns where it ends, or -1 if there is none. */
    private static int numericReference(String text, int amp, StringBuilder out) {
        int i = amp + 2;
        boolean hex = i < text.length() && (text.charAt(i) == 'x' || text.charAt(i) == 'X');
        if (hex) {
            i++;
        }
        int digitsStart = i;
        int radix = hex ? 16 : 10;
        long value = 0;
        while (i < text.length() && Character.digit(text.charAt(i), radix) >= 0 && isAsciiDigit(text.charAt(i), hex)) {
            value = Math.min(value * radix + Character.digit(text.charAt(i), radix), Integer.MAX_VALUE);
            i++;
        }
        if (i == digitsStart) {
            return -1;
        }
        if (i < text.length() && text.charAt(i) == ';') {
            i++;
        }
        appendCodePoint((int) value, out);
        return i;
    }

    private static boolean isAsciiDigit(char c, boolean hex) {
        return (c >= '0' && c <= '9') || (hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
    }

    private static void appendCodePoint(int codePoint, StringBuilder out) {
        if (codePoint == 0) {
            out.append('\uFFFD');
        } else if (codePoint == 0x0D) {
            out.append('\r');
        } else if (codePoint >= 0x80 && codePoint <= 0x9F) {
            out.append(Windows1252.decode(codePoint));
        } else if ((codePoint >= 0xD800 && codePoint <= 0xDFFF) || codePoint > 0x10FFFF) {
            out.append('\uFFFD');
        } else if (!isDroppedCodePoint(codePoint)) {
            out.appendCodePoint(codePoint);
        }
    }

    private static boolean isDroppedCodePoint(int cp) {
        return (cp >= 0x01 && cp <= 0x08) || cp == 0x0B || (cp >= 0x0E && cp <= 0x1F) || cp == 0x7F
                || (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
    }

    private static int namedReference(String text, int amp, StringBuilder out) {
        int start = amp + 1;
        int i = start;
        while (i < text.length() && i - start < MAX_NAME_LENGTH && isNameChar(text.charAt(i))) {
            i++;
        }
        if (i == start) {
            return -1;
        }
        String name = text.substring(start, i);
        if (i < text.length() && text.charAt(i) == ';') {
            String withSemicolon = NAMED.get(name + ";");
            if (withSemicolon != null) {
                out.append(withSemicolon);
                return i + 1;
            }
        }
        // Python tries the whole name first, then ever shorter prefixes of at least two characters.
        String exact = NAMED.get(name);
        if (exact != null) {
            out.append(exact);
            return i;
        }
        for (int length = name.length() - 1; length >= 2; length--) {
            String value = NAMED.get(name.substring(0, length));
            if (value != null) {
                out.append(value);
                return start + length;
            }
        }
        return -1;
    }

    private static boolean isNameChar(char c) {
        return c != '\t' && c != '\n' && c != '\f' && c != ' ' && c != '<' && c != '&' && c != '#' && c != ';';
    }

    private static final class Windows1252 {
        private static final Charset CHARSET = Charset.forName("windows-1252");

        static String decode(int codePoint) {
            String decoded = new String(new byte[] {(byte) codePoint}, CHARSET);
            // Bytes undefined in Windows-1252 stay as the C1 control character.
            return decoded.equals("\uFFFD") ? String.valueOf((char) codePoint) : decoded;
        }
    }
}
