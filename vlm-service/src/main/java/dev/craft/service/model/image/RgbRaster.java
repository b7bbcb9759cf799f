package dev.craft.service.model.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/** 8-bit RGB pixels, interleaved row by row ({@code R, G, B} per pixel), without alpha. */
final class RgbRaster {

    final int width;
    final int height;
    final byte[] pixels;

    RgbRaster(int width, int height, byte[] pixels) {
        if (pixels.length != width * height * 3) {
            throw new IllegalArgumentException("Expected " + width * height * 3 + " bytes, got " + pixels.length);
        }
        this.width = width;
        this.height = height;
        this.pixels = pixels;
    }

    /**
     * Converts like PIL's {@code convert("RGB")} on the decoded samples: alpha is dropped (not composited), gray is
     * replicated to three channels, and colour profiles are ignored. 8-bit gray, RGB and RGBA images are read as raw
     * samples; any other kind (palette, premultiplied alpha, 16-bit, CMYK) goes through {@link BufferedImage#getRGB}.
     */
    static RgbRaster of(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        byte[] rgb = new byte[width * height * 3];
        int channels = rawChannelCount(image.getColorModel());
        if (channels > 0) {
            copyRawSamples(image.getRaster(), channels, rgb);
        } else {
            copyConvertedRgb(image, rgb);
        }
        return new RgbRaster(width, height, rgb);
    }

    /** 1 (gray) or 3 (RGB) when the raster samples can be taken as they are, else 0. */
    private static int rawChannelCount(ColorModel model) {
        if (model instanceof IndexColorModel || model.isAlphaPremultiplied()) {
            return 0;
        }
        for (int bits : model.getComponentSize()) {
            if (bits != 8) {
                return 0;
            }
        }
        int type = model.getColorSpace().getType();
        int colors = model.getNumColorComponents();
        if (type == ColorSpace.TYPE_RGB && colors == 3) {
            return 3;
        }
        if (type == ColorSpace.TYPE_GRAY && colors == 1) {
            return 1;
        }
        return 0;
    }

    private static void copyRawSamples(Raster raster, int channels, byte[] rgb) {
        int width = raster.getWidth();
        int bands = raster.getNumBands();
        int[] row = new int[width * bands];
        int out = 0;
        for (int y = 0; y < raster.getHeight(); y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, width, 1, row);
            for (int x = 0, in = 0; x < width; x++, in += bands) {
                if (channels == 3) {
                    rgb[out++] = (byte) row[in];
                    rgb[out++] = (byte) row[in + 1];
                    rgb[out++] = (byte) row[in + 2];
                } else {
                    byte gray = (byte) row[in];
                    rgb[out++] = gray;
                    rgb[out++] = gray;
                    rgb[out++] = gray;
                }
            }
        }
    }

    private static void copyConvertedRgb(BufferedImage image, byte[] rgb) {
        int width = image.getWidth();
        int[] row = new int[width];
        int out = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            image.getRGB(0, y, width, 1, row, 0, width);
            for (int argb : row) {
                rgb[out++] = (byte) (argb >> 16);
                rgb[out++] = (byte) (argb >> 8);
                rgb[out++] = (byte) argb;
            }
        }
    }
}
