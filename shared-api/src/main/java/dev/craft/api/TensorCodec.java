package dev.craft.api;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The binary tensor format ({@value CraftMediaTypes#TENSOR}), all integers little-endian:
 * <pre>
 *   bytes 0-3   magic "CRFT"
 *   byte  4     format version, 1
 *   byte  5     dtype, 1 = float32
 *   bytes 6-7   rank r (uint16)
 *   then        r dimensions (uint32 each, outermost first)
 *   then        product(dims) float32 values, row-major
 * </pre>
 */
public final class TensorCodec {

    public static final byte VERSION = 1;
    public static final byte DTYPE_FLOAT32 = 1;
    public static final int MAX_RANK = 8;
    private static final byte[] MAGIC = "CRFT".getBytes(StandardCharsets.US_ASCII);
    private static final int CHUNK_FLOATS = 1 << 16;

    private TensorCodec() {
    }

    public static int headerBytes(int rank) {
        return 8 + 4 * rank;
    }

    public static long encodedBytes(int[] shape) {
        return headerBytes(shape.length) + 4L * Tensor.elementCount(shape);
    }

    public static void write(Tensor tensor, OutputStream out) throws IOException {
        write(tensor.shape(), tensor.data(), 0, out);
    }

    /** Writes a tensor whose values start at {@code offset} in {@code data}. */
    public static void write(int[] shape, float[] data, int offset, OutputStream out) throws IOException {
        long count = Tensor.elementCount(shape);
        if (offset < 0 || offset + count > data.length) {
            throw new IllegalArgumentException("shape needs " + count + " values past offset " + offset);
        }
        write(shape, FloatBuffer.wrap(data, offset, (int) count), out);
    }

    /**
     * Writes a tensor whose values are the remaining ones of {@code data}, in any byte order and heap or direct
     * (for example a view of native memory); {@code data}'s position is left as it was.
     */
    public static void write(int[] shape, FloatBuffer data, OutputStream out) throws IOException {
        if (shape.length > MAX_RANK) {
            throw new IllegalArgumentException("rank " + shape.length + " exceeds " + MAX_RANK);
        }
        long count = Tensor.elementCount(shape);
        if (count != data.remaining()) {
            throw new IllegalArgumentException("shape needs " + count + " values, the buffer holds " + data.remaining());
        }
        ByteBuffer header = ByteBuffer.allocate(headerBytes(shape.length)).order(ByteOrder.LITTLE_ENDIAN);
        header.put(MAGIC).put(VERSION).put(DTYPE_FLOAT32).putShort((short) shape.length);
        for (int dim : shape) {
            header.putInt(dim);
        }
        out.write(header.array());
        ByteBuffer chunk = ByteBuffer.allocate(4 * (int) Math.min(count, CHUNK_FLOATS)).order(ByteOrder.LITTLE_ENDIAN);
        FloatBuffer source = data.duplicate();
        while (source.hasRemaining()) {
            int n = Math.min(CHUNK_FLOATS, source.remaining());
            chunk.clear();
            chunk.asFloatBuffer().put(source.slice().limit(n));
            source.position(source.position() + n);
            out.write(chunk.array(), 0, 4 * n);
        }
    }

    public static byte[] encode(Tensor tensor) {
        var out = new java.io.ByteArrayOutputStream((int) encodedBytes(tensor.shape()));
        try {
            write(tensor, out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    /**
     * Reads one tensor.
     *
     * @param maxElements the largest tensor accepted; a larger declared shape is rejected before
     *                    anything is allocated
     */
    public static Tensor read(InputStream in, long maxElements) throws IOException {
        DataInputStream data = new DataInputStream(in);
        byte[] fixed = readFully(data, 8, "header");
        ByteBuffer header = ByteBuffer.wrap(fixed).order(ByteOrder.LITTLE_ENDIAN);
        for (byte b : MAGIC) {
            if (header.get() != b) {
                throw new TensorFormatException("not a CRFT tensor: bad magic bytes");
            }
        }
        byte version = header.get();
        if (version != VERSION) {
            throw new TensorFormatException("unsupported tensor format version " + version);
        }
        byte dtype = header.get();
        if (dtype != DTYPE_FLOAT32) {
            throw new TensorFormatException("unsupported dtype " + dtype + " (only 1 = float32)");
        }
        int rank = Short.toUnsignedInt(header.getShort());
        if (rank > MAX_RANK) {
            throw new TensorFormatException("rank " + rank + " exceeds " + MAX_RANK);
        }
        ByteBuffer dims = ByteBuffer.wrap(readFully(data, 4 * rank, "shape")).order(ByteOrder.LITTLE_ENDIAN);
        int[] shape = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++) {
            long dim = Integer.toUnsignedLong(dims.getInt());
            if (dim > Integer.MAX_VALUE) {
                throw new TensorFormatException("dimension " + dim + " too large");
            }
            shape[i] = (int) dim;
            count *= dim;
            if (count > maxElements) {
                throw new TensorFormatException("tensor declares more than the " + maxElements + " values allowed");
            }
        }
        float[] values = new float[(int) count];
        byte[] buffer = new byte[4 * (int) Math.min(Math.max(count, 1), CHUNK_FLOATS)];
        int pos = 0;
        while (pos < count) {
            int n = (int) Math.min(CHUNK_FLOATS, count - pos);
            try {
                data.readFully(buffer, 0, 4 * n);
            } catch (EOFException e) {
                throw new TensorFormatException("tensor data truncated: expected " + count + " values, got " + pos + " or fewer");
            }
            ByteBuffer.wrap(buffer, 0, 4 * n).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values, pos, n);
            pos += n;
        }
        return new Tensor(shape, values);
    }

    static byte[] readFully(DataInputStream in, int n, String what) throws IOException {
        byte[] bytes = new byte[n];
        try {
            in.readFully(bytes);
        } catch (EOFException e) {
            throw new TensorFormatException("tensor " + what + " truncated");
        }
        return bytes;
    }
}
