package dev.craft.service.model.image;

import java.util.Arrays;

/**
 * Pillow's two-pass bicubic resize (horizontal pass, rounded to 8 bits, then vertical pass), evaluated only for the
 * pixels that survive the crop. Every output pixel of a pass depends only on its own filter window, so this gives
 * exactly the values of resizing the whole image and cropping afterwards.
 */
final class BicubicResizeCrop {

    private static final int ROUNDING = 1 << (BicubicWeights.PRECISION_BITS - 1);

    private BicubicResizeCrop() {
    }

    static RgbRaster apply(RgbRaster source, ResizeCropGeometry geometry) {
        int size = geometry.cropSize();
        int rowLength = size * 3;
        boolean resizeVertically = source.height != geometry.resizedHeight();
        BicubicWeights vertical = resizeVertically
                ? BicubicWeights.compute(source.height, geometry.resizedHeight(), geometry.cropTop(),
                        geometry.cropTop() + size)
                : null;
        int firstRow = resizeVertically ? vertical.starts[0] : geometry.cropTop();
        int endRow = resizeVertically ? windowEnd(vertical) : geometry.cropTop() + size;

        byte[] columnsDone = horizontalPass(source, geometry, firstRow, endRow);
        if (!resizeVertically) {
            return new RgbRaster(size, size, columnsDone);
        }
        return new RgbRaster(size, size, verticalPass(columnsDone, vertical, firstRow, rowLength));
    }

    private static int windowEnd(BicubicWeights weights) {
        int end = 0;
        for (int i = 0; i < weights.starts.length; i++) {
            end = Math.max(end, weights.starts[i] + weights.counts[i]);
        }
        return end;
    }

    /** Rows {@code [firstRow, endRow)} of the source, resized horizontally and cropped to the crop's columns. */
    private static byte[] horizontalPass(RgbRaster source, ResizeCropGeometry geometry, int firstRow, int endRow) {
        int size = geometry.cropSize();
        int rowLength = size * 3;
        byte[] out = new byte[(endRow - firstRow) * rowLength];
        byte[] in = source.pixels;
        int sourceRowLength = source.width * 3;
        if (source.width == geometry.resizedWidth()) {
            for (int y = firstRow; y < endRow; y++) {
                System.arraycopy(in, y * sourceRowLength + geometry.cropLeft() * 3, out, (y - firstRow) * rowLength,
                        rowLength);
            }
            return out;
        }
        BicubicWeights weights = BicubicWeights.compute(source.width, geometry.resizedWidth(), geometry.cropLeft(),
                geometry.cropLeft() + size);
        int[] coefficients = weights.coefficients;
        int o = 0;
        for (int y = firstRow; y < endRow; y++) {
            int rowStart = y * sourceRowLength;
            for (int x = 0; x < size; x++) {
                int r = ROUNDING;
                int g = ROUNDING;
                int b = ROUNDING;
                int p = rowStart + weights.starts[x] * 3;
                int c = x * weights.stride;
                for (int k = 0, n = weights.counts[x]; k < n; k++, p += 3, c++) {
                    int w = coefficients[c];
                    r += (in[p] & 0xFF) * w;
                    g += (in[p + 1] & 0xFF) * w;
                    b += (in[p + 2] & 0xFF) * w;
                }
                out[o++] = (byte) BicubicWeights.clip8(r);
                out[o++] = (byte) BicubicWeights.clip8(g);
                out[o++] = (byte) BicubicWeights.clip8(b);
            }
        }
        return out;
    }

    private static byte[] verticalPass(byte[] rows, BicubicWeights weights, int firstRow, int rowLength) {
        int outputs = weights.starts.length;
        byte[] out = new byte[outputs * rowLength];
        int[] sums = new int[rowLength];
        int[] coefficients = weights.coefficients;
        for (int y = 0; y < outputs; y++) {
            Arrays.fill(sums, ROUNDING);
            int c = y * weights.stride;
            for (int k = 0, n = weights.counts[y]; k < n; k++) {
                int w = coefficients[c + k];
                int p = (weights.starts[y] - firstRow + k) * rowLength;
                for (int j = 0; j < rowLength; j++) {
                    sums[j] += (rows[p + j] & 0xFF) * w;
                }
            }
            int o = y * rowLength;
            for (int j = 0; j < rowLength; j++) {
                out[o + j] = (byte) BicubicWeights.clip8(sums[j]);
            }
        }
        return out;
    }
}
