package dev.craft.service.model.tokenizer;

/**
 * GPT-2/CLIP reversible byte-to-unicode table: printable Latin-1 bytes map to the same code point, the remaining
 * bytes to {@code 256 + n} in byte order, so that every byte has a visible, non-whitespace character.
 */
final class ByteUnicodeTable {

    private static final char[] BYTE_TO_CHAR = new char[256];
    /** The table's characters in CLIP's vocabulary order: printable bytes first, then the remapped ones. */
    private static final char[] VOCABULARY_ORDER = new char[256];

    static {
        int next = 0;
        for (int b = 0; b < 256; b++) {
            if (isPrintable(b)) {
                BYTE_TO_CHAR[b] = (char) b;
                VOCABULARY_ORDER[next++] = (char) b;
            }
        }
        int remapped = 0;
        for (int b = 0; b < 256; b++) {
            if (!isPrintable(b)) {
                BYTE_TO_CHAR[b] = (char) (256 + remapped++);
                VOCABULARY_ORDER[next++] = BYTE_TO_CHAR[b];
            }
        }
    }

    private ByteUnicodeTable() {
    }

    private static boolean isPrintable(int b) {
        return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }

    static String encode(byte[] bytes) {
        char[] chars = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            chars[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(chars);
    }

    static char vocabularyChar(int index) {
        return VOCABULARY_ORDER[index];
    }
}
