package dev.craft.service.model.tokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * CLIP's vocabulary and merge ranks, read from {@code bpe_simple_vocab_16e6.txt}: a header line followed by merge
 * pairs, of which CLIP uses the first 48,894. The ids are: 256 byte characters, the same with {@code </w>}, one per
 * merge, then the start and end tokens.
 */
final class ClipBpeVocabulary {

    static final String START_OF_TEXT = "<|startoftext|>";
    static final String END_OF_TEXT = "<|endoftext|>";
    static final String END_OF_WORD = "</w>";
    static final int MERGE_COUNT = 49152 - 256 - 2;
    static final int SIZE = 256 * 2 + MERGE_COUNT + 2;

    private final Map<String, Integer> ids;
    private final Map<String, Integer> mergeRanks;

    private ClipBpeVocabulary(Map<String, Integer> ids, Map<String, Integer> mergeRanks) {
        this.ids = ids;
        this.mergeRanks = mergeRanks;
    }

    /** Reads the merges file, plain or gzip-compressed. Does not close {@code raw}. */
    static ClipBpeVocabulary read(InputStream raw) throws IOException {
        BufferedReader reader = new BufferedReader(
                new InputStreamReader(MaybeGzipStream.open(raw), StandardCharsets.UTF_8));
        if (reader.readLine() == null) {
            throw new IOException("BPE merges file is empty");
        }
        Map<String, Integer> ids = new HashMap<>(SIZE * 2);
        Map<String, Integer> ranks = new HashMap<>(MERGE_COUNT * 2);
        for (int i = 0; i < 256; i++) {
            ids.put(String.valueOf(ByteUnicodeTable.vocabularyChar(i)), i);
        }
        for (int i = 0; i < 256; i++) {
            ids.put(ByteUnicodeTable.vocabularyChar(i) + END_OF_WORD, 256 + i);
        }
        for (int rank = 0; rank < MERGE_COUNT; rank++) {
            String line = reader.readLine();
            if (line == null) {
                throw new IOException("BPE merges file has only " + rank + " merges, expected " + MERGE_COUNT);
            }
            String[] pair = line.strip().split(" ");
            if (pair.length != 2) {
                throw new IOException("Malformed merge at line " + (rank + 2) + ": '" + line + "'");
            }
            ranks.put(pairKey(pair[0], pair[1]), rank);
            ids.put(pair[0] + pair[1], 512 + rank);
        }
        ids.put(START_OF_TEXT, SIZE - 2);
        ids.put(END_OF_TEXT, SIZE - 1);
        if (ids.size() != SIZE) {
            throw new IOException("BPE vocabulary has " + ids.size() + " distinct tokens, expected " + SIZE);
        }
        return new ClipBpeVocabulary(Map.copyOf(ids), Map.copyOf(ranks));
    }

    /** Symbols never contain a space, so it separates the pair unambiguously. */
    static String pairKey(String first, String second) {
        return first + ' ' + second;
    }

    /** Rank of merging {@code first} and {@code second}, lower merges first; -1 if they never merge. */
    int mergeRank(String first, String second) {
        Integer rank = mergeRanks.get(pairKey(first, second));
        return rank == null ? -1 : rank;
    }

    int id(String token) {
        Integer id = ids.get(token);
        if (id == null) {
            throw new IllegalStateException("Token not in vocabulary: " + token);
        }
        return id;
    }
}
