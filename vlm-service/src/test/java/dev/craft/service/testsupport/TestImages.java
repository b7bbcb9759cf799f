package dev.craft.service.testsupport;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;

/** Real encoded images made by the tests: distinct colours and stripes, as PNG or JPEG bytes. */
public final class TestImages {

    private TestImages() {
    }

    public static byte[] png(int seed, int width, int height) {
        return encode(draw(seed, width, height), "png");
    }

    public static byte[] jpeg(int seed, int width, int height) {
        return encode(draw(seed, width, height), "jpg");
    }

    private static BufferedImage draw(int seed, int width, int height) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256)));
        g.fillRect(0, 0, width, height);
        g.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256)));
        int stripe = 2 + random.nextInt(8);
        for (int x = random.nextInt(stripe); x < width; x += 2 * stripe) {
            g.fillRect(x, 0, stripe, height);
        }
        g.dispose();
        return image;
    }

    private static byte[] encode(BufferedImage image, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
