package dev.craft.client.service;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * SHA-256 over an ordered list of images as they would be uploaded: per file, the length-prefixed
 * file name and the length-prefixed content, so no two different lists can produce the same stream.
 * Files are read in chunks, never whole.
 */
final class ImageSetHash {

    private ImageSetHash() {
    }

    static String of(List<Path> images) {
        MessageDigest digest = Sha256.newDigest();
        byte[] buffer = new byte[1 << 16];
        for (Path image : images) {
            byte[] name = image.getFileName().toString().getBytes(StandardCharsets.UTF_8);
            digest.update(ByteBuffer.allocate(Long.BYTES).putLong(name.length).array());
            digest.update(name);
            try {
                digest.update(ByteBuffer.allocate(Long.BYTES).putLong(Files.size(image)).array());
                try (InputStream in = Files.newInputStream(image)) {
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        digest.update(buffer, 0, n);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + image + " to hash it: " + e.getMessage(), e);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
