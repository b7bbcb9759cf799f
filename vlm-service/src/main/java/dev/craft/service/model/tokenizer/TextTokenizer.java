package dev.craft.service.model.tokenizer;

/** Turns text into token ids of a text encoder's vocabulary. Implementations must be thread-safe. */
public interface TextTokenizer {

    /** Token ids of {@code text}, without start and end tokens. */
    int[] encode(String text);

    int startToken();

    int endToken();

    /** Number of ids in the vocabulary; every id is in {@code [0, vocabularySize())}. */
    int vocabularySize();
}
