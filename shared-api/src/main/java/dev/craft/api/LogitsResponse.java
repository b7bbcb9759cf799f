package dev.craft.api;

/**
 * JSON form of a logits tensor: {@code shape} [P, N, K] and the values flattened row-major.
 */
public record LogitsResponse(int[] shape, float[] logits) {

    public static LogitsResponse of(Tensor tensor) {
        return new LogitsResponse(tensor.shape(), tensor.data());
    }

    public Tensor toTensor() {
        return new Tensor(shape, logits);
    }
}
