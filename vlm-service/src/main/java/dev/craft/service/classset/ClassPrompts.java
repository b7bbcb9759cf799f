package dev.craft.service.classset;

import dev.craft.service.model.DualEncoderModel;
import dev.craft.service.model.tokenizer.TextTokenizer;

import java.util.List;

/**
 * The K class prompts of a class set as word embeddings, ready for prompt offsets to be spliced in:
 * sequence k is [start] prefix(L) className+suffix [end], padded to the longest length T.
 * Sequences longer than the context length keep their end token (CLIP's truncation).
 *
 * @param classCount      K
 * @param sequenceLength  T, the longest sequence (the encoder needs no more: it pools at the end token)
 * @param contextTokens   L, positions 1..L receive the offset
 * @param tokenWidth      d
 * @param embeddings      [K, T, d]
 * @param endPositions    [K] index of each end token
 */
public record ClassPrompts(int classCount, int sequenceLength, int contextTokens, int tokenWidth, float[] embeddings,
                           long[] endPositions) {

    public static ClassPrompts build(DualEncoderModel model, PromptTemplate template, List<String> classNames) {
        TextTokenizer tokenizer = model.tokenizer();
        var text = model.manifest().text();
        int[] prefix = tokenizer.encode(template.prefix());
        int contextTokens = prefix.length;
        int maxRest = text.contextLength() - 2 - contextTokens;
        if (contextTokens == 0) {
            throw PromptTemplate.invalid("the template needs at least one token before '{}' to carry the prompt");
        }
        if (maxRest < 1) {
            throw PromptTemplate.invalid("the template's " + contextTokens + " tokens before '{}' leave no room "
                    + "for the class name in " + text.contextLength() + " tokens");
        }
        int k = classNames.size();
        int[][] sequences = new int[k][];
        int longest = 0;
        for (int i = 0; i < k; i++) {
            int[] rest = tokenizer.encode(template.fill(classNames.get(i)));
            int restLength = Math.min(rest.length, maxRest);
            int[] sequence = new int[contextTokens + restLength + 2];
            sequence[0] = text.startToken();
            System.arraycopy(prefix, 0, sequence, 1, contextTokens);
            System.arraycopy(rest, 0, sequence, 1 + contextTokens, restLength);
            sequence[sequence.length - 1] = text.endToken();
            sequences[i] = sequence;
            longest = Math.max(longest, sequence.length);
        }
        int d = model.tokenWidth();
        float[] embeddings = new float[k * longest * d];
        long[] ends = new long[k];
        for (int i = 0; i < k; i++) {
            int base = i * longest * d;
            for (int t = 0; t < longest; t++) {
                int token = t < sequences[i].length ? sequences[i][t] : text.padToken();
                model.copyTokenEmbedding(token, embeddings, base + t * d);
            }
            ends[i] = sequences[i].length - 1;
        }
        return new ClassPrompts(k, longest, contextTokens, d, embeddings, ends);
    }

    /** Values in one prompt offset: L x d. */
    public int promptSize() {
        return contextTokens * tokenWidth;
    }
}
