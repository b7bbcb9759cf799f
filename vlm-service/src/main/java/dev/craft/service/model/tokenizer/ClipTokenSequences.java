package dev.craft.service.model.tokenizer;

/** Fixed-length token sequences as CLIP's {@code clip.tokenize(text, context_length, truncate=True)} builds them. */
public final class ClipTokenSequences {

    public static final int CLIP_CONTEXT_LENGTH = 77;

    private ClipTokenSequences() {
    }

    /**
     * {@code [start] + encode(text) + [end]}, cut to {@code contextLength} with the end token kept as the last
     * token, and zero-padded to {@code contextLength}.
     */
    public static int[] tokenize(TextTokenizer tokenizer, String text, int contextLength) {
        if (contextLength < 2) {
            throw new IllegalArgumentException("contextLength must be at least 2, got " + contextLength);
        }
        int[] ids = tokenizer.encode(text);
        int[] sequence = new int[contextLength];
        sequence[0] = tokenizer.startToken();
        int copied = Math.min(ids.length, contextLength - 2);
        System.arraycopy(ids, 0, sequence, 1, copied);
        if (ids.length + 2 > contextLength) {
            sequence[contextLength - 1] = tokenizer.endToken();
        } else {
            sequence[ids.length + 1] = tokenizer.endToken();
        }
        return sequence;
    }

    public static int[] tokenize(TextTokenizer tokenizer, String text) {
        return tokenize(tokenizer, text, CLIP_CONTEXT_LENGTH);
    }
}
