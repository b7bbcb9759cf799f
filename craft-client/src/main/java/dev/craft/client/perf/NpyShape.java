package dev.craft.client.perf;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The shape in a NumPy .npy file's header (format versions 1-3), read without loading the data. */
final class NpyShape {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpyShape() {
    }

    static long[] read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file); DataInputStream data = new DataInputStream(in)) {
            byte[] magic = new byte[MAGIC.length];
            data.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IllegalArgumentException(file + " is not a .npy file");
            }
            int major = data.readUnsignedByte();
            data.readUnsignedByte();
            long length;
            if (major == 1) {
                length = Short.toUnsignedInt(Short.reverseBytes(data.readShort()));
            } else {
                length = Integer.toUnsignedLong(Integer.reverseBytes(data.readInt()));
            }
            if (length > 1 << 20) {
                throw new IllegalArgumentException(file + " has an implausible .npy header length " + length);
            }
            byte[] header = new byte[(int) length];
            data.readFully(header);
            Matcher m = SHAPE.matcher(new String(header, major >= 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1));
            if (!m.find()) {
                throw new IllegalArgumentException(file + " has no shape in its .npy header");
            }
            return Arrays.stream(m.group(1).split(",")).map(String::trim).filter(s -> !s.isEmpty())
                    .mapToLong(Long::parseLong).toArray();
        }
    }

    static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
