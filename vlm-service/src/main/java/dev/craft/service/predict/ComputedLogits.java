package dev.craft.service.predict;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.craft.api.LogitsResponse;
import dev.craft.service.compute.AnswerMemory;

import java.nio.FloatBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Logits as the model computed them, left in the engine's (native) memory: the binary answer is written
 * straight from there, with no Java copy of what can be hundreds of megabytes. Owns its NDManager; the web
 * layer closes it when the request completes, and the service closes it on any failure before that.
 */
public final class ComputedLogits implements AutoCloseable {

    private final NDManager manager;
    private final NDArray values;
    private final AnswerMemory.Lease memory;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Takes over {@code manager}, which owns {@code values} (float32), and the answer memory they hold. */
    ComputedLogits(NDManager manager, NDArray values, AnswerMemory.Lease memory) {
        this.manager = manager;
        this.values = values;
        this.memory = memory;
    }

    public int[] shape() {
        long[] dims = values.getShape().getShape();
        int[] shape = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            shape[i] = Math.toIntExact(dims[i]);
        }
        return shape;
    }

    /** The same values under another shape of the same size; the returned instance takes over this one. */
    ComputedLogits reshape(int... shape) {
        long[] dims = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            dims[i] = shape[i];
        }
        return new ComputedLogits(manager, values.reshape(new Shape(dims)), memory);
    }

    /** A read-only view of the values, row-major, in the engine's memory; valid until {@link #close()}. */
    public FloatBuffer values() {
        if (closed.get()) {
            throw new IllegalStateException("the logits were already released");
        }
        return values.toByteBuffer(true).asFloatBuffer().asReadOnlyBuffer();
    }

    public float[] toFloatArray() {
        FloatBuffer view = values();
        float[] copy = new float[view.remaining()];
        view.get(copy);
        return copy;
    }

    /** The JSON form, {@code {"shape": [...], "logits": [...]}} (a Java copy; JSON is for small answers). */
    @JsonValue
    public LogitsResponse toResponse() {
        return new LogitsResponse(shape(), toFloatArray());
    }

    /** Releases the native memory and its share of the answer memory; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                manager.close();
            } finally {
                memory.close();
            }
        }
    }
}
