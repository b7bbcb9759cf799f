package dev.craft.service.model.image;

import java.awt.image.BufferedImage;

/**
 * CLIP's image transform in Java: {@code Resize(size, BICUBIC)}, {@code CenterCrop(size)}, RGB conversion,
 * {@code ToTensor()}, {@code Normalize(mean, std)}, producing a float array in CHW layout {@code [3, size, size]}.
 *
 * <p>The resize reproduces Pillow's antialiased bicubic resampling bit for bit, including its 8-bit rounding after
 * each pass; on CLIP's reference vector (64x128 to 32) the output matches torchvision exactly (measured max abs
 * difference 0.0; tests allow 1e-6). Differences from Python remain where PIL itself behaves differently before
 * the resize: palette images (PIL resizes them with nearest neighbour), RGBA (PIL resizes premultiplied alpha, here
 * alpha is dropped first), 16-bit images, and JPEG decoders that round differently from libjpeg.
 *
 * <p>Thread-safe and allocation-light: no per-pixel objects, weights are computed once per image and axis.
 */
public final class ImagePreprocessor {

    private final ImagePreprocessing config;
    /** {@code (v / 255 - mean[c]) / std[c]} for every byte value, per channel, in float32 like torch. */
    private final float[][] normalised = new float[3][256];

    public ImagePreprocessor(ImagePreprocessing config) {
        this.config = config;
        float[] mean = config.mean();
        float[] std = config.std();
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                normalised[c][v] = (v / 255f - mean[c]) / std[c];
            }
        }
    }

    public ImagePreprocessing config() {
        return config;
    }

    /** Length of one preprocessed image, {@code 3 * size * size}. */
    public int outputLength() {
        return config.outputLength();
    }

    /** The preprocessed image as a new CHW array of {@link #outputLength()} floats. */
    public float[] preprocess(BufferedImage image) {
        float[] out = new float[outputLength()];
        preprocessInto(image, out, 0);
        return out;
    }

    /** Writes the preprocessed image in CHW layout into {@code target[offset, offset + outputLength())}. */
    public void preprocessInto(BufferedImage image, float[] target, int offset) {
        if (offset < 0 || offset > target.length - outputLength()) {
            throw new IndexOutOfBoundsException("Need " + outputLength() + " floats at offset " + offset
                    + " but the target holds " + target.length);
        }
        RgbRaster cropped = resizeAndCrop(image);
        int plane = config.size() * config.size();
        byte[] pixels = cropped.pixels;
        float[] red = normalised[0];
        float[] green = normalised[1];
        float[] blue = normalised[2];
        for (int i = 0, p = 0; i < plane; i++, p += 3) {
            target[offset + i] = red[pixels[p] & 0xFF];
            target[offset + plane + i] = green[pixels[p + 1] & 0xFF];
            target[offset + 2 * plane + i] = blue[pixels[p + 2] & 0xFF];
        }
    }

    /** The resized and cropped 8-bit RGB image, before normalisation. */
    RgbRaster resizeAndCrop(BufferedImage image) {
        RgbRaster rgb = RgbRaster.of(image);
        ResizeCropGeometry geometry = ResizeCropGeometry.shorterSideCenterCrop(rgb.width, rgb.height, config.size());
        return BicubicResizeCrop.apply(rgb, geometry);
    }
}
