package dev.craft.service.model.tokenizer;

import dev.craft.service.testsupport.SharedAssets;
import java.nio.file.Path;

/** The shared CLIP tokenizer assets, loaded once per test JVM. */
final class ClipTokenizerAssets {

    static final String MERGES = "assets/tokenizer/bpe_simple_vocab_16e6.txt.gz";
    static final String REFERENCE_VECTORS = "assets/tokenizer/clip_reference_vectors.json";

    private static volatile ClipBpeTokenizer tokenizer;

    private ClipTokenizerAssets() {
    }

    static ClipBpeTokenizer tokenizer() {
        Path merges = SharedAssets.require(MERGES);
        if (tokenizer == null) {
            synchronized (ClipTokenizerAssets.class) {
                if (tokenizer == null) {
                    tokenizer = ClipBpeTokenizer.load(merges);
                }
            }
        }
        return tokenizer;
    }
}
