package dev.craft.client.testsupport;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small real image files for tests. */
public final class TestImages {

    private TestImages() {
    }

    /** Writes a 4x4 PNG whose pixels depend on {@code seed}, creating parent folders. */
    public static Path png(Path file, int seed) {
        BufferedImage image = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                image.setRGB(x, y, (seed * 7919 + x * 255 + y * 65536) & 0xFFFFFF);
            }
        }
        try {
            Files.createDirectories(file.getParent());
            if (!ImageIO.write(image, "png", file.toFile())) {
                throw new IllegalStateException("no PNG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** A {@code side} x {@code side} PNG with a gradient and stripes, as bytes (slower to decode than the 4x4 ones). */
    public static byte[] largePng(int side) {
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                image.setRGB(x, y, ((x * 255 / side) << 16) | ((y * 255 / side) << 8) | ((x / 8 + y / 8) % 2 * 255));
            }
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
