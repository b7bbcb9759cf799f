package dev.craft.service.predict;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 over everything that determines a metered answer, to recognise an idempotent retry. */
final class RequestDigest {

    private final MessageDigest digest;

    RequestDigest(String endpoint) {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        text(endpoint);
    }

    RequestDigest text(String value) {
        byte[] bytes = (value == null ? "" : value).getBytes(StandardCharsets.UTF_8);
        digest.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        digest.update(bytes);
        return this;
    }

    RequestDigest ints(int[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(4 + 4 * (values == null ? 0 : values.length));
        buffer.putInt(values == null ? -1 : values.length);
        if (values != null) {
            buffer.asIntBuffer().put(values);
        }
        digest.update(buffer.array());
        return this;
    }

    RequestDigest floats(float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(4 + 4 * values.length);
        buffer.putInt(values.length);
        buffer.asFloatBuffer().put(values);
        digest.update(buffer.array());
        return this;
    }

    RequestDigest bytes(byte[] values) {
        digest.update(ByteBuffer.allocate(4).putInt(values.length).array());
        digest.update(values);
        return this;
    }

    String hex() {
        return HexFormat.of().formatHex(digest.digest());
    }
}
