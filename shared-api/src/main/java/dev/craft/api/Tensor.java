package dev.craft.api;

import java.util.Arrays;

/**
 * A dense float32 tensor in row-major order.
 *
 * @param shape the dimensions, outermost first
 * @param data  {@code product(shape)} values
 */
public record Tensor(int[] shape, float[] data) {

    public Tensor {
        long expected = elementCount(shape);
        if (expected != data.length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " needs " + expected + " values, got " + data.length);
        }
    }

    /** The number of elements a shape holds; rejects negative dimensions. */
    public static long elementCount(int[] shape) {
        long n = 1;
        for (int dim : shape) {
            if (dim < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, dim);
        }
        return n;
    }

    public int rank() {
        return shape.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}
