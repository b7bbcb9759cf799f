package dev.craft.service.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.craft.service.testsupport.SharedAssets;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

class ClipBpeTokenizerTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void matchesClipReferenceTokenArrays() {
        ClipBpeTokenizer tokenizer = ClipTokenizerAssets.tokenizer();
        JsonNode reference = json.readTree(SharedAssets.require(ClipTokenizerAssets.REFERENCE_VECTORS).toFile());
        JsonNode cases = reference.get("cases");
        JsonNode expected = reference.get("tokenizer");

        assertThat(cases.size()).isEqualTo(3);
        for (int i = 0; i < cases.size(); i++) {
            String text = cases.get(i).asString();
            assertThat(ClipTokenSequences.tokenize(tokenizer, text, 77))
                    .as(text)
                    .containsExactly(ints(expected.get(i).get(0)));
        }
    }

    /** Fixture from clip_extra_cases.py: entities, Unicode, odd whitespace, special tokens, contractions. */
    @Test
    void matchesPythonPortOnTrickyTexts() throws IOException {
        ClipBpeTokenizer tokenizer = ClipTokenizerAssets.tokenizer();
        JsonNode cases;
        try (InputStream in = getClass().getResourceAsStream("/tokenizer/clip_extra_cases.json")) {
            cases = json.readTree(in);
        }
        assertThat(cases.size()).isGreaterThanOrEqualTo(15);
        for (JsonNode c : cases) {
            String text = c.get("text").asString();
            assertThat(tokenizer.encode(text)).as(text).containsExactly(ints(c.get("ids")));
        }
    }

    @Test
    void exposesClipSpecialTokensAndVocabularySize() {
        ClipBpeTokenizer tokenizer = ClipTokenizerAssets.tokenizer();
        assertThat(tokenizer.startToken()).isEqualTo(49406);
        assertThat(tokenizer.endToken()).isEqualTo(49407);
        assertThat(tokenizer.vocabularySize()).isEqualTo(49408);
    }

    @Test
    void truncatesLongTextToContextLengthKeepingEndToken() {
        ClipBpeTokenizer tokenizer = ClipTokenizerAssets.tokenizer();
        String text = "a very long caption about many things ".repeat(40);

        int[] tokens = ClipTokenSequences.tokenize(tokenizer, text, 77);

        assertThat(tokenizer.encode(text).length).isGreaterThan(200);
        assertThat(tokens).hasSize(77);
        assertThat(tokens[0]).isEqualTo(49406);
        assertThat(tokens[76]).isEqualTo(49407);
        assertThat(tokens).doesNotContain(0);
        assertThat(java.util.Arrays.copyOfRange(tokens, 1, 76))
                .containsExactly(java.util.Arrays.copyOfRange(tokenizer.encode(text), 0, 75));
    }

    @Test
    void loadsPlainAndGzippedMergesIdentically(@TempDir Path tmp) throws IOException {
        Path gz = SharedAssets.require(ClipTokenizerAssets.MERGES);
        Path plain = tmp.resolve("merges.gz.looks-compressed-but-is-not");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz));
                OutputStream out = Files.newOutputStream(plain)) {
            in.transferTo(out);
        }
        ClipBpeTokenizer fromGzip = ClipBpeTokenizer.load(gz);
        ClipBpeTokenizer fromPlain = ClipBpeTokenizer.load(plain);

        for (String text : new String[] {"a photo of a golden retriever.", "Stra\u00dfe 42 \u65e5\u672c", "xyzzy's"}) {
            assertThat(fromPlain.encode(text)).as(text).containsExactly(fromGzip.encode(text));
        }
    }

    @Test
    void isThreadSafe() throws Exception {
        ClipBpeTokenizer tokenizer = ClipTokenizerAssets.tokenizer();
        String[] texts = new String[64];
        int[][] expected = new int[texts.length][];
        for (int i = 0; i < texts.length; i++) {
            texts[i] = "sample number " + i + " of uncachedword" + i + " and zq" + (i * 7919);
        }
        ClipBpeTokenizer fresh = ClipBpeTokenizer.load(SharedAssets.require(ClipTokenizerAssets.MERGES));
        for (int i = 0; i < texts.length; i++) {
            expected[i] = fresh.encode(texts[i]);
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Future<?>[] futures = new Future<?>[4];
            for (int t = 0; t < futures.length; t++) {
                futures[t] = pool.submit(() -> {
                    for (int round = 0; round < 20; round++) {
                        for (int i = 0; i < texts.length; i++) {
                            assertThat(tokenizer.encode(texts[i])).containsExactly(expected[i]);
                        }
                    }
                });
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static int[] ints(JsonNode array) {
        int[] values = new int[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asInt();
        }
        return values;
    }
}
