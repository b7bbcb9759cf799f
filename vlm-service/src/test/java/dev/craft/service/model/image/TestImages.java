package dev.craft.service.model.image;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;

/** Builds test images from RGB sample arrays. */
final class TestImages {

    private TestImages() {
    }

    /** A {@code TYPE_3BYTE_BGR} image from interleaved HWC RGB samples. */
    static BufferedImage rgb(int width, int height, int[] hwc) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        image.getRaster().setPixels(0, 0, width, height, hwc);
        return image;
    }

    /** An image of the given type with the same RGB samples; alpha, where the type has it, is {@code alpha}. */
    static BufferedImage copyAs(BufferedImage rgb, int type, int alpha) {
        BufferedImage copy = new BufferedImage(rgb.getWidth(), rgb.getHeight(), type);
        WritableRaster target = copy.getRaster();
        int bands = target.getNumBands();
        int[] pixel = new int[3];
        int[] out = new int[bands];
        for (int y = 0; y < rgb.getHeight(); y++) {
            for (int x = 0; x < rgb.getWidth(); x++) {
                rgb.getRaster().getPixel(x, y, pixel);
                for (int b = 0; b < bands; b++) {
                    out[b] = b < 3 ? pixel[b] : alpha;
                }
                target.setPixel(x, y, out);
            }
        }
        return copy;
    }

    static BufferedImage solidBands(int width, int height, int[]... bandColours) {
        int[] hwc = new int[width * height * 3];
        for (int y = 0; y < height; y++) {
            int[] colour = bandColours[y * bandColours.length / height];
            for (int x = 0; x < width; x++) {
                System.arraycopy(colour, 0, hwc, (y * width + x) * 3, 3);
            }
        }
        return rgb(width, height, hwc);
    }
}
