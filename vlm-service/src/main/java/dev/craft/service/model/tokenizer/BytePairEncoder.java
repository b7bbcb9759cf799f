package dev.craft.service.model.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one byte-encoded word into BPE symbols: start from single characters (the last one carrying
 * {@code </w>}) and repeatedly merge every occurrence of the adjacent pair with the lowest merge rank.
 */
final class BytePairEncoder {

    private final ClipBpeVocabulary vocabulary;

    BytePairEncoder(ClipBpeVocabulary vocabulary) {
        this.vocabulary = vocabulary;
    }

    List<String> split(String word) {
        List<String> symbols = initialSymbols(word);
        while (symbols.size() > 1) {
            int bestRank = Integer.MAX_VALUE;
            int bestIndex = -1;
            for (int i = 0; i + 1 < symbols.size(); i++) {
                int rank = vocabulary.mergeRank(symbols.get(i), symbols.get(i + 1));
                if (rank >= 0 && rank < bestRank) {
                    bestRank = rank;
                    bestIndex = i;
                }
            }
            if (bestIndex < 0) {
                break;
            }
            symbols = mergeAll(symbols, symbols.get(bestIndex), symbols.get(bestIndex + 1));
        }
        return symbols;
    }

    private static List<String> initialSymbols(String word) {
        List<String> symbols = new ArrayList<>(word.length());
        int last = word.length() - 1;
        for (int i = 0; i < last; i++) {
            symbols.add(String.valueOf(word.charAt(i)));
        }
        symbols.add(word.charAt(last) + ClipBpeVocabulary.END_OF_WORD);
        return symbols;
    }

    /** Merges non-overlapping occurrences of the pair, scanning left to right. */
    private static List<String> mergeAll(List<String> symbols, String first, String second) {
        List<String> merged = new ArrayList<>(symbols.size());
        String joined = first + second;
        int i = 0;
        while (i < symbols.size()) {
            if (i + 1 < symbols.size() && symbols.get(i).equals(first) && symbols.get(i + 1).equals(second)) {
                merged.add(joined);
                i += 2;
            } else {
                merged.add(symbols.get(i));
                i++;
            }
        }
        return merged;
    }
}
