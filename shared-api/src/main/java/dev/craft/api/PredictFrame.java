package dev.craft.api;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A binary predict request ({@value CraftMediaTypes#PREDICT_FRAME}):
 * <pre>
 *   bytes 0-3   n, the length of the JSON header (uint32, little-endian)
 *   then        n bytes of UTF-8 JSON: a {@link PredictRequest} without "prompts"
 *   then        the prompts as one tensor ({@link TensorCodec}) of shape [P, L, d] or [P, L*d]
 * </pre>
 *
 * @param headerJson the UTF-8 JSON header
 * @param prompts    the prompt offsets
 */
public record PredictFrame(String headerJson, Tensor prompts) {

    public static final int MAX_HEADER_BYTES = 1 << 20;

    public void write(OutputStream out) throws IOException {
        byte[] header = headerJson.getBytes(StandardCharsets.UTF_8);
        out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(header.length).array());
        out.write(header);
        TensorCodec.write(prompts, out);
    }

    public static PredictFrame read(InputStream in, long maxPromptValues) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int n = ByteBuffer.wrap(TensorCodec.readFully(data, 4, "frame length")).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw new TensorFormatException("predict frame header length " + Integer.toUnsignedString(n)
                    + " outside 0.." + MAX_HEADER_BYTES);
        }
        String json = new String(TensorCodec.readFully(data, n, "frame header"), StandardCharsets.UTF_8);
        return new PredictFrame(json, TensorCodec.read(data, maxPromptValues));
    }
}
