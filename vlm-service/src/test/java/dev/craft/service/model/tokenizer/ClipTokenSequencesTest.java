package dev.craft.service.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ClipTokenSequencesTest {

    /** Encodes a text as 10, 11, 12, ... one id per character. */
    private static final TextTokenizer COUNTING = new TextTokenizer() {
        @Override
        public int[] encode(String text) {
            int[] ids = new int[text.length()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = 10 + i;
            }
            return ids;
        }

        @Override
        public int startToken() {
            return 1;
        }

        @Override
        public int endToken() {
            return 2;
        }

        @Override
        public int vocabularySize() {
            return 1000;
        }
    };

    @Test
    void padsShortSequencesWithZeros() {
        assertThat(ClipTokenSequences.tokenize(COUNTING, "abc", 8)).containsExactly(1, 10, 11, 12, 2, 0, 0, 0);
    }

    @Test
    void fillsContextExactlyWithoutTruncating() {
        assertThat(ClipTokenSequences.tokenize(COUNTING, "abcd", 6)).containsExactly(1, 10, 11, 12, 13, 2);
    }

    @Test
    void truncatesAndPutsEndTokenLast() {
        assertThat(ClipTokenSequences.tokenize(COUNTING, "abcdefg", 6)).containsExactly(1, 10, 11, 12, 13, 2);
    }

    @Test
    void handlesEmptyText() {
        assertThat(ClipTokenSequences.tokenize(COUNTING, "", 4)).containsExactly(1, 2, 0, 0);
        assertThat(ClipTokenSequences.tokenize(COUNTING, "")).hasSize(77);
    }

    @Test
    void rejectsContextTooShortForStartAndEnd() {
        assertThatThrownBy(() -> ClipTokenSequences.tokenize(COUNTING, "a", 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
