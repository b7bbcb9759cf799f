package dev.craft.service.model;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A 2-D little-endian float32 array in NumPy's {@code .npy} format (versions 1-3, C order),
 * which is how bundles ship the token-embedding table.
 */
public record NpyArray(int rows, int cols, float[] data) {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*,?\\s*\\)");

    public static NpyArray read(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        byte[] magic = new byte[6];
        in.readFully(magic);
        for (int i = 0; i < MAGIC.length; i++) {
            if (magic[i] != MAGIC[i]) {
                throw new IOException("not a .npy file");
            }
        }
        int major = in.readUnsignedByte();
        in.readUnsignedByte();
        int headerLength;
        if (major == 1) {
            headerLength = Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
        } else if (major == 2 || major == 3) {
            headerLength = Integer.reverseBytes(in.readInt());
        } else {
            throw new IOException("unsupported .npy version " + major);
        }
        byte[] headerBytes = new byte[headerLength];
        in.readFully(headerBytes);
        String header = new String(headerBytes, StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, "descr");
        if (!descr.equals("<f4")) {
            throw new IOException(".npy dtype must be '<f4' (little-endian float32), got '" + descr + "'");
        }
        if (group(FORTRAN, header, "fortran_order").equals("True")) {
            throw new IOException(".npy array must be in C order");
        }
        Matcher shape = SHAPE.matcher(header);
        if (!shape.find()) {
            throw new IOException(".npy array must be 2-D, header: " + header.trim());
        }
        int rows = Integer.parseInt(shape.group(1));
        int cols = Integer.parseInt(shape.group(2));
        float[] data = new float[Math.multiplyExact(rows, cols)];
        byte[] buffer = new byte[1 << 18];
        int pos = 0;
        while (pos < data.length) {
            int n = Math.min(buffer.length / 4, data.length - pos);
            in.readFully(buffer, 0, 4 * n);
            ByteBuffer.wrap(buffer, 0, 4 * n).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data, pos, n);
            pos += n;
        }
        return new NpyArray(rows, cols, data);
    }

    private static String group(Pattern pattern, String header, String key) throws IOException {
        Matcher m = pattern.matcher(header);
        if (!m.find()) {
            throw new IOException(".npy header lacks '" + key + "': " + header.trim());
        }
        return m.group(1);
    }

    /** Population standard deviation of all entries (BBT's projection rule uses it). */
    public double std() {
        double mean = 0;
        for (float v : data) {
            mean += v;
        }
        mean /= data.length;
        double var = 0;
        for (float v : data) {
            double d = v - mean;
            var += d * d;
        }
        return Math.sqrt(var / data.length);
    }
}
