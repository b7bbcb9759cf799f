package dev.craft.service.model.tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CLIP's byte-level BPE tokenizer ({@code simple_tokenizer.py} of openai/CLIP), built from
 * {@code bpe_simple_vocab_16e6.txt} in plain or gzip form.
 *
 * <p>Text is HTML-unescaped, whitespace-normalised and lower-cased, split by CLIP's pre-tokenisation pattern, and
 * each piece is UTF-8 encoded, mapped through the byte-to-unicode table and merged by BPE. CLIP additionally runs
 * {@code ftfy.fix_text} first; that is not replicated, so text that ftfy would change tokenises differently: mojibake,
 * curly quotes (ftfy straightens them), ligatures, full-width characters, text not in NFC. Plain ASCII prompts and
 * class names are unaffected.
 *
 * <p>Thread-safe; per-word results are cached in a bounded map.
 */
public final class ClipBpeTokenizer implements TextTokenizer {

    private static final Pattern PRE_TOKEN = Pattern.compile(
            "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d"
                    + "|\\p{L}+|\\p{N}|[^\\p{IsWhite_Space}\\p{L}\\p{N}]+",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    private static final int MAX_CACHED_WORDS = 100_000;

    private final ClipBpeVocabulary vocabulary;
    private final BytePairEncoder encoder;
    private final int startToken;
    private final int endToken;
    private final Map<String, int[]> wordCache = new ConcurrentHashMap<>();

    private ClipBpeTokenizer(ClipBpeVocabulary vocabulary) {
        this.vocabulary = vocabulary;
        this.encoder = new BytePairEncoder(vocabulary);
        this.startToken = vocabulary.id(ClipBpeVocabulary.START_OF_TEXT);
        this.endToken = vocabulary.id(ClipBpeVocabulary.END_OF_TEXT);
    }

    public static ClipBpeTokenizer load(Path mergesFile) {
        try (InputStream in = Files.newInputStream(mergesFile)) {
            return fromStream(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read CLIP BPE merges from " + mergesFile, e);
        }
    }

    /** Reads the merges file from {@code in} (plain or gzip); the caller closes the stream. */
    public static ClipBpeTokenizer fromStream(InputStream in) throws IOException {
        return new ClipBpeTokenizer(ClipBpeVocabulary.read(in));
    }

    @Override
    public int[] encode(String text) {
        Matcher pieces = PRE_TOKEN.matcher(ClipTextCleaner.clean(text));
        int[] ids = new int[16];
        int count = 0;
        while (pieces.find()) {
            int[] pieceIds = encodePiece(pieces.group());
            if (count + pieceIds.length > ids.length) {
                ids = Arrays.copyOf(ids, Math.max(ids.length * 2, count + pieceIds.length));
            }
            System.arraycopy(pieceIds, 0, ids, count, pieceIds.length);
            count += pieceIds.length;
        }
        return Arrays.copyOf(ids, count);
    }

    private int[] encodePiece(String piece) {
        if (piece.equals(ClipBpeVocabulary.START_OF_TEXT)) {
            return new int[] {startToken};
        }
        if (piece.equals(ClipBpeVocabulary.END_OF_TEXT)) {
            return new int[] {endToken};
        }
        String word = ByteUnicodeTable.encode(piece.getBytes(StandardCharsets.UTF_8));
        int[] cached = wordCache.get(word);
        if (cached != null) {
            return cached;
        }
        List<String> symbols = encoder.split(word);
        int[] ids = new int[symbols.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = vocabulary.id(symbols.get(i));
        }
        if (wordCache.size() >= MAX_CACHED_WORDS) {
            wordCache.clear();
        }
        wordCache.put(word, ids);
        return ids;
    }

    @Override
    public int startToken() {
        return startToken;
    }

    @Override
    public int endToken() {
        return endToken;
    }

    @Override
    public int vocabularySize() {
        return ClipBpeVocabulary.SIZE;
    }
}
