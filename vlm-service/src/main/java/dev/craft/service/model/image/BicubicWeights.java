package dev.craft.service.model.image;

/**
 * Fixed-point resampling weights for one axis, computed like Pillow's {@code precompute_coeffs} with the bicubic
 * filter (a = -0.5): for each output coordinate, the filter is centred on the output pixel's centre mapped into
 * the input, widened by the downscale factor (antialiasing), normalised to sum 1, and rounded to 22-bit fixed point.
 * Only the outputs in {@code [from, to)} are computed.
 */
final class BicubicWeights {

    static final int PRECISION_BITS = 32 - 8 - 2;
    private static final double FILTER_SUPPORT = 2.0;
    private static final double A = -0.5;

    /** First input index of each output's window. */
    final int[] starts;
    /** Number of input pixels in each output's window. */
    final int[] counts;
    /** {@code stride} slots per output; the first {@code counts[i]} are used. */
    final int[] coefficients;
    final int stride;

    private BicubicWeights(int[] starts, int[] counts, int[] coefficients, int stride) {
        this.starts = starts;
        this.counts = counts;
        this.coefficients = coefficients;
        this.stride = stride;
    }

    static BicubicWeights compute(int inSize, int outSize, int from, int to) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = FILTER_SUPPORT * filterScale;
        int stride = (int) Math.ceil(support) * 2 + 1;
        int outputs = to - from;
        int[] starts = new int[outputs];
        int[] counts = new int[outputs];
        int[] coefficients = new int[outputs * stride];
        double[] weights = new double[stride];
        // Multiplying by the reciprocal (not dividing) keeps the double rounding identical to Pillow's.
        double inverseFilterScale = 1.0 / filterScale;
        for (int i = 0; i < outputs; i++) {
            double center = (from + i + 0.5) * scale;
            int min = Math.max((int) (center - support + 0.5), 0);
            int max = Math.min((int) (center + support + 0.5), inSize);
            int count = max - min;
            double sum = 0.0;
            for (int k = 0; k < count; k++) {
                double w = filter((k + min - center + 0.5) * inverseFilterScale);
                weights[k] = w;
                sum += w;
            }
            for (int k = 0; k < count; k++) {
                double normalised = sum != 0.0 ? weights[k] / sum : weights[k];
                coefficients[i * stride + k] = toFixedPoint(normalised);
            }
            starts[i] = min;
            counts[i] = count;
        }
        return new BicubicWeights(starts, counts, coefficients, stride);
    }

    private static double filter(double x) {
        if (x < 0.0) {
            x = -x;
        }
        if (x < 1.0) {
            return ((A + 2.0) * x - (A + 3.0)) * x * x + 1;
        }
        if (x < 2.0) {
            return (((x - 5) * x + 8) * x - 4) * A;
        }
        return 0.0;
    }

    private static int toFixedPoint(double weight) {
        double scaled = weight * (1 << PRECISION_BITS);
        return (int) (weight < 0 ? scaled - 0.5 : scaled + 0.5);
    }

    /** Rounds an accumulated fixed-point sum back to a byte value, saturating like Pillow's {@code clip8}. */
    static int clip8(int accumulated) {
        if (accumulated <= 0) {
            return 0;
        }
        int value = accumulated >> PRECISION_BITS;
        return value > 255 ? 255 : value;
    }
}
