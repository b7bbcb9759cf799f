package dev.craft.service.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Expected values are what Python 3.11's {@code html.unescape} returns. */
class HtmlEntitiesTest {

    static Stream<Arguments> pythonResults() {
        return Stream.of(
                Arguments.of("&amp;", "&"),
                Arguments.of("&amp", "&"),
                Arguments.of("&ampx;", "&x;"),
                Arguments.of("&notice", "\u00ACice"),
                Arguments.of("&not;ice", "\u00ACice"),
                Arguments.of("&hellip;", "\u2026"),
                Arguments.of("&hellip", "&hellip"),
                Arguments.of("&unknown;", "&unknown;"),
                Arguments.of("&#38;", "&"),
                Arguments.of("&#38", "&"),
                Arguments.of("&#x26;", "&"),
                Arguments.of("&#X26", "&"),
                Arguments.of("&#xZZ;", "&#xZZ;"),
                Arguments.of("&#;", "&#;"),
                Arguments.of("&", "&"),
                Arguments.of("a & b", "a & b"),
                Arguments.of("&&amp;", "&&"),
                Arguments.of("&#0;", "\uFFFD"),
                Arguments.of("&#13;", "\r"),
                Arguments.of("&#127;", ""),
                Arguments.of("&#1;", ""),
                Arguments.of("&#xD800;", "\uFFFD"),
                Arguments.of("&#x110000;", "\uFFFD"),
                Arguments.of("&#99999999999999999999;", "\uFFFD"),
                Arguments.of("&#xFFFF;", ""),
                Arguments.of("&#x1FFFE;", ""),
                Arguments.of("&#xFDD0;", ""),
                Arguments.of("&#128512;", "\uD83D\uDE00"),
                Arguments.of("&eacute;t&eacute", "\u00E9t\u00E9"),
                Arguments.of("&Eacute;", "\u00C9"),
                Arguments.of("&AElig;", "\u00C6"),
                Arguments.of("&yuml;", "\u00FF"),
                Arguments.of("&nbsp;", "\u00A0"),
                Arguments.of("&amp;amp;", "&amp;"));
    }

    @ParameterizedTest
    @MethodSource("pythonResults")
    void unescapesLikePython(String escaped, String expected) {
        assertThat(HtmlEntities.unescape(escaped)).isEqualTo(expected);
    }

    @Test
    void mapsC1NumericReferencesThroughWindows1252LikePython() {
        String expected = "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D"
                + "\u008F\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";
        StringBuilder actual = new StringBuilder();
        for (int cp = 0x80; cp <= 0x9F; cp++) {
            actual.append(HtmlEntities.unescape("&#" + cp + ";"));
        }
        assertThat(actual.toString()).isEqualTo(expected);
    }
}
