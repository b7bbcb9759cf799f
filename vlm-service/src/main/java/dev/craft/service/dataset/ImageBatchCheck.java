package dev.craft.service.dataset;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * How many images the image encoder may take in one forward on this machine. An image's features must not depend on
 * the other images in its batch, but on some CPUs they do: on an AMD EPYC (Zen 5, AVX-512) the libtorch 2.7.1 that DJL
 * runs gave MobileNetV2 features at cosine 0.76-0.89 to the one-image forward (and to PyTorch) for batches of 16 and
 * more, while batches of 8 and fewer, and every batch with ONEDNN_MAX_CPU_ISA=AVX2, agreed exactly; the uploads of the
 * bench model then scored 75.8 % instead of 84.6 % on the ImageNet sample. So the check runs once, on probe images:
 * each batch size from the configured one down (halving) is compared with one-image forwards of the same images, and
 * the first that agrees is used. One image per forward always agrees with itself.
 */
final class ImageBatchCheck {

    /** Largest cosine distance between an image's features in a batch and alone that counts as agreement. */
    static final double TOLERANCE = 1e-4;
    /** Images of each probe batch also encoded alone. */
    private static final int COMPARED = 2;

    /** A forward of the image encoder: {@code count} preprocessed images in, normalised features [count, E] out. */
    interface Encoder {
        float[] encode(float[] pixels, int count);
    }

    private ImageBatchCheck() {
    }

    /**
     * @param configured     the batch size asked for (vlm.compute.image-batch)
     * @param pixelsPerImage floats per preprocessed image
     * @param warn           told once when a smaller batch is used, and why
     * @return the largest batch size, at most {@code configured}, whose features agree with one-image forwards
     */
    static int largestAgreeingBatch(int configured, int pixelsPerImage, Encoder encoder, Consumer<String> warn) {
        float[] probe = probeImages(configured, pixelsPerImage);
        float[][] single = new float[COMPARED][];
        for (int i = 0; i < COMPARED; i++) {
            single[i] = encoder.encode(Arrays.copyOfRange(probe, i * pixelsPerImage, (i + 1) * pixelsPerImage), 1);
        }
        String firstFailure = null;
        int batch = configured;
        for (; batch > 1; batch = batch / 2) {
            float[] batched = encoder.encode(Arrays.copyOf(probe, batch * pixelsPerImage), batch);
            int e = batched.length / batch;
            double worst = 0;
            for (int i = 0; i < Math.min(COMPARED, batch); i++) {
                worst = Math.max(worst, 1 - cosine(batched, i * e, single[i], e));
            }
            if (worst <= TOLERANCE) {
                break;
            }
            if (firstFailure == null) {
                firstFailure = String.format(Locale.ROOT, "the image encoder's features for a batch of %d images "
                        + "differ from the same images encoded one at a time (cosine %.4f) on this machine", batch,
                        1 - worst);
            }
        }
        if (firstFailure != null) {
            warn.accept(firstFailure + (batch > 1
                    ? "; batches of " + batch + " agree, so the service encodes at most " + batch + " images per forward."
                    : ", for every batch size down to 2, so the service encodes one image per forward.")
                    + " Setting ONEDNN_MAX_CPU_ISA=AVX2 in the service's environment avoided such faulty kernels where"
                    + " this was measured, and lets it batch again");
        }
        return batch;
    }

    /** {@code count} smooth images with noise, values in [-1, 1], the same on every run. */
    private static float[] probeImages(int count, int pixelsPerImage) {
        SplittableRandom random = new SplittableRandom(20261203L);
        float[] pixels = new float[count * pixelsPerImage];
        for (int i = 0; i < pixels.length; i++) {
            int image = i / pixelsPerImage;
            double wave = Math.sin((i % pixelsPerImage) * (0.002 + 0.0007 * image) + image);
            pixels[i] = (float) (0.6 * wave + 0.4 * (2 * random.nextDouble() - 1));
        }
        return pixels;
    }

    private static double cosine(float[] a, int offset, float[] b, int length) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int k = 0; k < length; k++) {
            double x = a[offset + k];
            double y = b[k];
            dot += x * y;
            na += x * x;
            nb += y * y;
        }
        return dot / Math.sqrt(na * nb);
    }
}
