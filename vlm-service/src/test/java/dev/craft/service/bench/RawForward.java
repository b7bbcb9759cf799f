package dev.craft.service.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.craft.service.classset.ClassPrompts;
import dev.craft.service.model.BundleLoader;
import dev.craft.service.model.DualEncoderModel;

import java.nio.file.Path;
import java.util.Random;

/**
 * The predict arithmetic done directly with DJL in this process, as lean as DJL allows: the P x K
 * sequences are assembled from the class embeddings and the prompt offsets with tensor ops, run
 * through the text encoder in batches of {@code textBatch}, normalised, and multiplied with the N
 * image features held as one tensor (the service's "cached features"). The logits stay in native
 * memory: everything after that (copies to Java, the wire) is what the benchmark calls overhead.
 */
final class RawForward implements AutoCloseable {

    private final DualEncoderModel model;
    private final int textBatch;

    RawForward(Path bundleDir, int threads, int textBatch) {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        System.setProperty("ai.djl.pytorch.graph_optimizer", "false");
        this.model = BundleLoader.load(bundleDir, Device.cpu());
        this.textBatch = textBatch;
    }

    DualEncoderModel model() {
        return model;
    }

    /** Tensors of one grid cell, made once: class embeddings, end positions and N image features. */
    Cell cell(ClassPrompts classes, float[] imageFeatures, int n) {
        NDManager manager = model.newManager();
        int k = classes.classCount();
        NDArray embeddings = manager.create(classes.embeddings(),
                new Shape(k, classes.sequenceLength(), classes.tokenWidth()));
        NDArray ends = manager.create(classes.endPositions());
        NDArray images = manager.create(imageFeatures, new Shape(n, model.embedDim()));
        return new Cell(manager, classes, embeddings, ends, images);
    }

    /** N random unit vectors of the model's width: the matrix product costs the same for any values. */
    float[] randomFeatures(int n, long seed) {
        int e = model.embedDim();
        Random random = new Random(seed);
        float[] features = new float[n * e];
        for (int i = 0; i < n; i++) {
            double norm = 0;
            for (int j = 0; j < e; j++) {
                float v = (float) random.nextGaussian();
                features[i * e + j] = v;
                norm += v * v;
            }
            for (int j = 0; j < e; j++) {
                features[i * e + j] /= (float) Math.sqrt(norm);
            }
        }
        return features;
    }

    /**
     * Logits [P, N, K] for {@code p} prompt offsets (L x d each, row-major); the result is computed
     * when this returns. {@code copyOut} also copies it to a Java array (used to check the service's answer).
     */
    float[] logits(Cell cell, float[] prompts, int p, boolean copyOut) {
        ClassPrompts classes = cell.classes();
        int k = classes.classCount();
        int t = classes.sequenceLength();
        int d = classes.tokenWidth();
        int l = classes.contextTokens();
        try (NDManager manager = cell.manager().newSubManager()) {
            NDArray offsets = manager.create(prompts, new Shape(p, l, d));
            NDArray padded = NDArrays.concat(new NDList(manager.zeros(new Shape(p, 1, d)), offsets,
                    manager.zeros(new Shape(p, t - 1 - l, d))), 1);
            int total = p * k;
            NDList encoded = new NDList();
            for (int start = 0; start < total; start += textBatch) {
                int count = Math.min(textBatch, total - start);
                long[] promptIndex = new long[count];
                long[] classIndex = new long[count];
                for (int i = 0; i < count; i++) {
                    promptIndex[i] = (start + i) / k;
                    classIndex[i] = (start + i) % k;
                }
                NDArray classRows = manager.create(classIndex);
                NDArray sequences = cell.embeddings().get(new NDIndex("{}", classRows))
                        .add(padded.get(new NDIndex("{}", manager.create(promptIndex))));
                NDArray ends = cell.ends().get(new NDIndex("{}", classRows));
                encoded.add(model.encodeTexts(manager, sequences, ends));
            }
            // The logit scale goes onto the P x K text features, not onto the P x N x K product.
            NDArray text = NDArrays.concat(encoded, 0).mul(model.logitScale()).reshape(p, k, model.embedDim());
            NDArray logits = cell.images().matMul(text.transpose(0, 2, 1));
            return copyOut ? logits.toFloatArray() : null;
        }
    }

    @Override
    public void close() {
        model.close();
    }

    record Cell(NDManager manager, ClassPrompts classes, NDArray embeddings, NDArray ends, NDArray images)
            implements AutoCloseable {
        @Override
        public void close() {
            manager.close();
        }
    }
}
