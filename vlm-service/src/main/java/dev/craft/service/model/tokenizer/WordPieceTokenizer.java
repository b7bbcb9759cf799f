package dev.craft.service.model.tokenizer;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * BERT's WordPiece tokenizer, configured by a HuggingFace {@code tokenizer.json} whose model is {@code WordPiece},
 * normalizer {@code BertNormalizer} (or none) and pre-tokenizer {@code BertPreTokenizer}.
 *
 * <p>Steps, as in HuggingFace tokenizers: (1) normalise: drop NUL, U+FFFD and control characters and turn
 * whitespace into spaces ({@code clean_text}); surround CJK ideographs with spaces ({@code handle_chinese_chars});
 * NFD and drop non-spacing marks ({@code strip_accents}, which follows {@code lowercase} when null); lower-case;
 * (2) split on whitespace and isolate every punctuation character (ASCII punctuation and the Unicode P*
 * categories); (3) each word longer than {@code max_input_chars_per_word} characters is {@code unk_token};
 * otherwise it is split greedily, longest match first, into vocabulary pieces, every piece after the first
 * carrying the {@code continuing_subword_prefix} ("##"); a word with any part not in the vocabulary becomes
 * {@code unk_token} as a whole.
 *
 * <p>Not implemented: matching added (special) tokens written literally in the text, such as "[CLS]": they are
 * split like any other text. Class names and templates do not contain them. Start and end tokens are the ids of
 * the post-processor's {@code [CLS]} and {@code [SEP]} (those names when there is no usable post-processor).
 *
 * <p>Immutable and thread-safe.
 */
public final class WordPieceTokenizer implements TextTokenizer {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Map<String, Integer> vocabulary;
    private final int vocabularySize;
    private final String unknownToken;
    private final String subwordPrefix;
    private final int maxCharsPerWord;
    private final boolean cleanText;
    private final boolean chineseChars;
    private final boolean stripAccents;
    private final boolean lowercase;
    private final int startToken;
    private final int endToken;

    private WordPieceTokenizer(JsonNode root) {
        JsonNode model = root.path("model");
        require("WordPiece".equals(model.path("type").asString(null)),
                "model.type must be WordPiece, got " + model.path("type"));
        JsonNode vocab = model.path("vocab");
        require(vocab.isObject() && !vocab.isEmpty(), "model.vocab must be a non-empty object");
        Map<String, Integer> map = new HashMap<>(vocab.size() * 2);
        int maxId = -1;
        for (Map.Entry<String, JsonNode> entry : vocab.properties()) {
            require(entry.getValue().isIntegralNumber() && entry.getValue().asInt() >= 0,
                    "model.vocab ids must be non-negative integers ('" + entry.getKey() + "')");
            int id = entry.getValue().asInt();
            map.put(entry.getKey(), id);
            maxId = Math.max(maxId, id);
        }
        this.vocabulary = Collections.unmodifiableMap(map);
        this.vocabularySize = maxId + 1;
        this.unknownToken = model.path("unk_token").asString("[UNK]");
        requiredId(unknownToken, "model.unk_token");
        this.subwordPrefix = model.path("continuing_subword_prefix").asString("##");
        this.maxCharsPerWord = model.path("max_input_chars_per_word").asInt(100);

        JsonNode normalizer = root.path("normalizer");
        if (normalizer.isMissingNode() || normalizer.isNull()) {
            cleanText = false;
            chineseChars = false;
            stripAccents = false;
            lowercase = false;
        } else {
            require("BertNormalizer".equals(normalizer.path("type").asString(null)),
                    "normalizer.type must be BertNormalizer, got " + normalizer.path("type"));
            cleanText = normalizer.path("clean_text").asBoolean(true);
            chineseChars = normalizer.path("handle_chinese_chars").asBoolean(true);
            lowercase = normalizer.path("lowercase").asBoolean(true);
            JsonNode strip = normalizer.path("strip_accents");
            stripAccents = strip.isBoolean() ? strip.asBoolean() : lowercase;
        }
        JsonNode pre = root.path("pre_tokenizer");
        require("BertPreTokenizer".equals(pre.path("type").asString(null)),
                "pre_tokenizer.type must be BertPreTokenizer, got " + pre.path("type"));

        JsonNode post = root.path("post_processor");
        String cls = "[CLS]";
        String sep = "[SEP]";
        if ("BertProcessing".equals(post.path("type").asString(null))) {
            cls = post.path("cls").path(0).asString(cls);
            sep = post.path("sep").path(0).asString(sep);
        }
        this.startToken = requiredId(cls, "the start token");
        this.endToken = requiredId(sep, "the end token");
    }

    public static WordPieceTokenizer load(Path tokenizerJson) {
        try (InputStream in = Files.newInputStream(tokenizerJson)) {
            return fromStream(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + tokenizerJson, e);
        }
    }

    /**
     * Reads a {@code tokenizer.json} from {@code in}; the caller closes the stream.
     *
     * @throws IllegalArgumentException if the file is not a WordPiece/BERT tokenizer this class supports
     */
    public static WordPieceTokenizer fromStream(InputStream in) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("tokenizer.json is not valid JSON: " + e.getOriginalMessage(), e);
        }
        return new WordPieceTokenizer(root);
    }

    @Override
    public int[] encode(String text) {
        List<String> pieces = tokens(text);
        int[] ids = new int[pieces.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = vocabulary.get(pieces.get(i));
        }
        return ids;
    }

    /** The vocabulary pieces of {@code text} (unknown words as the unk token). */
    public List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        for (String word : preTokenize(normalize(text))) {
            wordPieces(word, out);
        }
        return out;
    }

    /** The id of {@code token}, or -1 if it is not in the vocabulary. */
    public int id(String token) {
        Integer id = vocabulary.get(token);
        return id == null ? -1 : id;
    }

    String normalize(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 8);
        text.codePoints().forEach(c -> {
            if (cleanText) {
                if (c == 0 || c == 0xFFFD || isControl(c)) {
                    return;
                }
                if (isWhitespace(c)) {
                    sb.append(' ');
                    return;
                }
            }
            if (chineseChars && isChineseChar(c)) {
                sb.append(' ').appendCodePoint(c).append(' ');
            } else {
                sb.appendCodePoint(c);
            }
        });
        String s = sb.toString();
        if (stripAccents) {
            String nfd = Normalizer.normalize(s, Normalizer.Form.NFD);
            StringBuilder stripped = new StringBuilder(nfd.length());
            nfd.codePoints().filter(c -> Character.getType(c) != Character.NON_SPACING_MARK)
                    .forEach(stripped::appendCodePoint);
            s = stripped.toString();
        }
        if (lowercase) {
            s = s.toLowerCase(Locale.ROOT);
        }
        return s;
    }

    static List<String> preTokenize(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (isWhitespace(c)) {
                flush(current, words);
            } else if (isPunctuation(c)) {
                flush(current, words);
                words.add(new String(Character.toChars(c)));
            } else {
                current.appendCodePoint(c);
            }
        }
        flush(current, words);
        return words;
    }

    private static void flush(StringBuilder current, List<String> words) {
        if (!current.isEmpty()) {
            words.add(current.toString());
            current.setLength(0);
        }
    }

    private void wordPieces(String word, List<String> out) {
        int chars = word.codePointCount(0, word.length());
        if (chars > maxCharsPerWord) {
            out.add(unknownToken);
            return;
        }
        List<String> pieces = new ArrayList<>();
        int start = 0;
        while (start < word.length()) {
            int end = word.length();
            String match = null;
            while (end > start) {
                String candidate = word.substring(start, end);
                if (start > 0) {
                    candidate = subwordPrefix + candidate;
                }
                if (vocabulary.containsKey(candidate)) {
                    match = candidate;
                    break;
                }
                end = word.offsetByCodePoints(end, -1);
            }
            if (match == null) {
                out.add(unknownToken);
                return;
            }
            pieces.add(match);
            start = end;
        }
        out.addAll(pieces);
    }

    /** HF tokenizers' is_whitespace: \t \n \r and the Unicode White_Space characters. */
    static boolean isWhitespace(int c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0B || c == 0x0C || c == 0x85
                || Character.isSpaceChar(c);
    }

    /** Categories C* (Cc, Cf, Cs, Co, Cn) except \t \n \r, which count as whitespace. */
    static boolean isControl(int c) {
        if (c == '\t' || c == '\n' || c == '\r') {
            return false;
        }
        int type = Character.getType(c);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
                || type == Character.PRIVATE_USE || type == Character.UNASSIGNED;
    }

    /** ASCII punctuation (33-47, 58-64, 91-96, 123-126, which includes symbols such as $ + ^ `) and Unicode P*. */
    static boolean isPunctuation(int c) {
        if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126)) {
            return true;
        }
        return switch (Character.getType(c)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                 Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                 Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    /** The CJK Unified Ideograph blocks BERT isolates (not Hiragana, Katakana or Hangul). */
    static boolean isChineseChar(int c) {
        return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF)
                || (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF)
                || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
    }

    private int requiredId(String token, String what) {
        Integer id = vocabulary.get(token);
        require(id != null, what + " '" + token + "' is not in the vocabulary");
        return id;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("tokenizer.json: " + message);
        }
    }

    @Override
    public int startToken() {
        return startToken;
    }

    @Override
    public int endToken() {
        return endToken;
    }

    /** One more than the largest vocabulary id (the vocabulary size when ids are 0..n-1, as in BERT). */
    @Override
    public int vocabularySize() {
        return vocabularySize;
    }
}
