package dev.craft.service.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Expected values are what CLIP's cleaning steps (minus ftfy) give in Python 3.11. */
class ClipTextCleanerTest {

    static Stream<Arguments> pythonResults() {
        return Stream.of(
                Arguments.of("  Hello\u00A0\u00A0World \t", "hello world"),
                Arguments.of("\u001C a \u001C", "a"),
                Arguments.of("a\u001Cb", "a\u001Cb"),
                Arguments.of("a \u001C", "a"),
                Arguments.of("\u03A3\u038A\u03A3\u03A5\u03A6\u039F\u03A3", "\u03C3\u03AF\u03C3\u03C5\u03C6\u03BF\u03C2"),
                Arguments.of("\u0130", "i\u0307"),
                Arguments.of("A&amp;amp;B", "a&b"),
                Arguments.of("&lt;b&gt;Bold&lt;/b&gt;", "<b>bold</b>"));
    }

    @ParameterizedTest
    @MethodSource("pythonResults")
    void cleansLikeClip(String text, String expected) {
        assertThat(ClipTextCleaner.clean(text)).isEqualTo(expected);
    }
}
