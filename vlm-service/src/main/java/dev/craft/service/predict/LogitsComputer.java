package dev.craft.service.predict;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.craft.service.VlmProperties;
import dev.craft.service.classset.ClassPrompts;
import dev.craft.service.compute.AnswerMemory;
import dev.craft.service.model.DualEncoderModel;
import org.springframework.stereotype.Component;

import java.nio.Buffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.function.Function;

/**
 * The black box's arithmetic: for each prompt offset p and class k, encode
 * [start] (prefix + p) className [end]; then logits = s * img . text for every image.
 * All P x K sequences go through the text encoder in batches of at most {@code textBatch}.
 */
@Component
public class LogitsComputer {

    private final DualEncoderModel model;
    private final AnswerMemory answerMemory;
    private final int textBatch;

    public LogitsComputer(DualEncoderModel model, VlmProperties properties, AnswerMemory answerMemory) {
        this.model = model;
        this.answerMemory = answerMemory;
        this.textBatch = properties.compute().textBatch();
    }

    /** As {@link #logits(Buffer, int, ClassPrompts, float[], int)} with the image features in an array. */
    public ComputedLogits logits(float[] images, int n, ClassPrompts classes, float[] prompts, int p) {
        return logits(FloatBuffer.wrap(images), n, classes, prompts, p);
    }

    /**
     * @param images  normalised image features [N, E], float32: a FloatBuffer, or a direct ByteBuffer in native
     *                order, which the engine reads in place (no copy)
     * @param classes the class prompts
     * @param prompts P offsets, each L x d, row-major
     * @return logits [P, N, K], in the engine's memory until the caller closes them
     */
    public ComputedLogits logits(Buffer images, int n, ClassPrompts classes, float[] prompts, int p) {
        int e = model.embedDim();
        return inEngineMemory((long) p * n * classes.classCount(), manager -> {
            try (NDManager scratch = manager.newSubManager()) {
                // The scale multiplies the P x K text features rather than the P x N x K product: the same logits
                // (up to float rounding) without another pass over, and another copy of, the largest array.
                NDArray text = scratch.create(textFeatures(scratch, classes, prompts, p), new Shape(p, classes.classCount(), e))
                        .mul(model.logitScale());
                NDArray image = scratch.create(images, new Shape(n, e), DataType.FLOAT32);
                NDArray logits = image.matMul(text.transpose(0, 2, 1));
                logits.attach(manager);
                return logits;
            }
        });
    }

    /** Logits computed before (a copy of another answer), held in the engine's memory like computed ones. */
    public ComputedLogits copyOf(float[] values, int[] shape) {
        long[] dims = Arrays.stream(shape).asLongStream().toArray();
        return inEngineMemory(values.length, manager -> manager.create(values, new Shape(dims)));
    }

    /** {@code floats} of answer memory and a manager of their own for the logits {@code create} makes in it. */
    private ComputedLogits inEngineMemory(long floats, Function<NDManager, NDArray> create) {
        AnswerMemory.Lease memory = answerMemory.reserve(floats * Float.BYTES);
        NDManager manager = null;
        try {
            manager = model.newManager();
            return new ComputedLogits(manager, create.apply(manager), memory);
        } catch (RuntimeException | Error failure) {
            if (manager != null) {
                manager.close();
            }
            memory.close();
            throw failure;
        }
    }

    /** Normalised text features [P * K, E]. */
    public float[] textFeatures(NDManager manager, ClassPrompts classes, float[] prompts, int p) {
        int k = classes.classCount();
        int t = classes.sequenceLength();
        int d = classes.tokenWidth();
        int promptSize = classes.promptSize();
        int e = model.embedDim();
        int total = p * k;
        float[] features = new float[total * e];
        for (int start = 0; start < total; start += textBatch) {
            int count = Math.min(textBatch, total - start);
            float[] embeddings = new float[count * t * d];
            long[] ends = new long[count];
            for (int i = 0; i < count; i++) {
                int prompt = (start + i) / k;
                int cls = (start + i) % k;
                System.arraycopy(classes.embeddings(), cls * t * d, embeddings, i * t * d, t * d);
                int context = i * t * d + d;
                int offset = prompt * promptSize;
                for (int j = 0; j < promptSize; j++) {
                    embeddings[context + j] += prompts[offset + j];
                }
                ends[i] = classes.endPositions()[cls];
            }
            try (NDManager batch = manager.newSubManager()) {
                NDArray encoded = model.encodeTexts(batch, batch.create(embeddings, new Shape(count, t, d)),
                        batch.create(ends));
                System.arraycopy(encoded.toFloatArray(), 0, features, start * e, count * e);
            }
        }
        return features;
    }

    static float[] flatten(float[][] rows) {
        int width = rows.length == 0 ? 0 : rows[0].length;
        float[] flat = new float[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * width, width);
        }
        return flat;
    }

    static boolean allFinite(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
