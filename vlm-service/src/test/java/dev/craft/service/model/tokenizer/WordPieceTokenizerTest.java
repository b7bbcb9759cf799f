package dev.craft.service.model.tokenizer;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * WordPiece on a hand-written tokenizer.json (test resource wordpiece-tiny.tokenizer.json, 27 tokens). The expected
 * ids are read off that file by hand: [PAD] 0, [UNK] 1, [CLS] 2, [SEP] 3, [MASK] 4, "." 5, "," 6, "!" 7, "-" 8,
 * a 9, photo 10, of 11, the 12, cafe 13, un 14, ##aff 15, ##able 16, ##a 17, ##ff 18, hello 19, 猫 20, cat 21,
 * ##s 22, naive 23, "'" 24, "$" 25, aff 26; max_input_chars_per_word 20.
 */
class WordPieceTokenizerTest {

    private static WordPieceTokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = WordPieceTokenizerTest.class.getResourceAsStream("/tokenizer/wordpiece-tiny.tokenizer.json")) {
            tokenizer = WordPieceTokenizer.fromStream(in);
        }
    }

    @Test
    void specialTokensAndSize() {
        assertThat(tokenizer.startToken()).isEqualTo(2);
        assertThat(tokenizer.endToken()).isEqualTo(3);
        assertThat(tokenizer.vocabularySize()).isEqualTo(27);
        assertThat(tokenizer.id("[PAD]")).isZero();
        assertThat(tokenizer.id("dog")).isEqualTo(-1);
    }

    @Test
    void lowercases() {
        assertThat(tokenizer.encode("Hello")).containsExactly(19);
        assertThat(tokenizer.encode("THE Photo")).containsExactly(12, 10);
    }

    @Test
    void stripsAccentsBecauseLowercaseIsOnAndStripAccentsNull() {
        assertThat(tokenizer.encode("Café")).containsExactly(13);
        assertThat(tokenizer.encode("Cafe\u0301")).containsExactly(13);   // already decomposed
        assertThat(tokenizer.encode("naïve")).containsExactly(23);
    }

    @Test
    void splitsOnPunctuation() {
        assertThat(tokenizer.encode("HELLO, World!")).containsExactly(19, 6, 1, 7);
        assertThat(tokenizer.encode("cat-photo.")).containsExactly(21, 8, 10, 5);
        assertThat(tokenizer.encode("a$a")).containsExactly(9, 25, 9);            // ASCII symbol counts
        assertThat(tokenizer.encode("a \u201Cphoto\u201D")).containsExactly(9, 1, 10, 1);  // Pi/Pf quotes, not in vocab
        assertThat(tokenizer.encode("cat's")).containsExactly(21, 24, 1);         // "s" alone is not in the vocab
        assertThat(tokenizer.tokens("cat's")).containsExactly("cat", "'", "[UNK]");
    }

    @Test
    void subwordsGreedyLongestMatchFirst() {
        // "##a" exists too, but "##aff" is the longest match after "un"
        assertThat(tokenizer.encode("unaffable")).containsExactly(14, 15, 16);
        assertThat(tokenizer.tokens("unaffable")).containsExactly("un", "##aff", "##able");
        assertThat(tokenizer.encode("aff")).containsExactly(26);
        assertThat(tokenizer.encode("affable")).containsExactly(26, 16);
        assertThat(tokenizer.encode("cats")).containsExactly(21, 22);
    }

    @Test
    void unknownWordsBecomeOneUnk() {
        assertThat(tokenizer.encode("dog")).containsExactly(1);
        assertThat(tokenizer.encode("unaffablex")).containsExactly(1);    // the whole word, not un ##aff ##able [UNK]
        assertThat(tokenizer.encode("a dog of")).containsExactly(9, 1, 11);
    }

    @Test
    void cjkCharactersAreSplitOut() {
        assertThat(tokenizer.encode("a猫cat")).containsExactly(9, 20, 21);
    }

    @Test
    void whitespaceAndControlCharacters() {
        assertThat(tokenizer.encode("a\tphoto\nof")).containsExactly(9, 10, 11);
        assertThat(tokenizer.encode("ph\u0000oto\u200B")).containsExactly(10);   // NUL and a format char removed
        assertThat(tokenizer.encode("a\u00A0photo")).containsExactly(9, 10);      // no-break space
        assertThat(tokenizer.encode("  ")).isEmpty();
    }

    @Test
    void wordsLongerThanTheLimitAreUnknown() {
        int[] twenty = tokenizer.encode("a".repeat(20));
        assertThat(twenty).hasSize(20);
        assertThat(twenty[0]).isEqualTo(9);
        for (int i = 1; i < 20; i++) {
            assertThat(twenty[i]).isEqualTo(17);
        }
        assertThat(tokenizer.encode("a".repeat(21))).containsExactly(1);
    }

    @Test
    void rejectsOtherModels() {
        String bpe = "{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0}},\"pre_tokenizer\":{\"type\":\"BertPreTokenizer\"}}";
        assertThatThrownBy(() -> WordPieceTokenizer.fromStream(
                new ByteArrayInputStream(bpe.getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("WordPiece");
    }
}
