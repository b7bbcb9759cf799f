package dev.craft.service.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.craft.service.model.image.ImagePreprocessor;
import dev.craft.service.model.tokenizer.TextTokenizer;

/**
 * A loaded model bundle: the two TorchScript towers, the token-embedding table, the tokenizer and the
 * image preprocessing. Both encode methods return L2-normalised features, so logits are
 * {@code logitScale * a . b}. Thread-safe for inference; callers bound concurrency (see ComputeGate).
 */
public final class DualEncoderModel implements AutoCloseable {

    private final BundleManifest manifest;
    private final TextTokenizer tokenizer;
    private final ImagePreprocessor preprocessor;
    private final float[] tokenEmbedding;
    private final int vocabularySize;
    private final double tokenEmbeddingStd;
    private final TorchScriptModule textEncoder;
    private final TorchScriptModule imageEncoder;
    private final Device device;
    private final NDManager rootManager;

    DualEncoderModel(BundleManifest manifest, TextTokenizer tokenizer, ImagePreprocessor preprocessor,
                     NpyArray tokenEmbedding, TorchScriptModule textEncoder, TorchScriptModule imageEncoder,
                     Device device) {
        this.manifest = manifest;
        this.tokenizer = tokenizer;
        this.preprocessor = preprocessor;
        this.tokenEmbedding = tokenEmbedding.data();
        this.vocabularySize = tokenEmbedding.rows();
        this.tokenEmbeddingStd = tokenEmbedding.std();
        this.textEncoder = textEncoder;
        this.imageEncoder = imageEncoder;
        this.device = device;
        this.rootManager = NDManager.newBaseManager(device);
    }

    public BundleManifest manifest() {
        return manifest;
    }

    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    public ImagePreprocessor preprocessor() {
        return preprocessor;
    }

    public Device device() {
        return device;
    }

    public int tokenWidth() {
        return manifest.text().tokenWidth();
    }

    public int embedDim() {
        return manifest.embedDim();
    }

    public int imageSize() {
        return manifest.image().size();
    }

    public float logitScale() {
        return (float) manifest.logitScale();
    }

    public double tokenEmbeddingStd() {
        return tokenEmbeddingStd;
    }

    /** Copies the word embedding of {@code tokenId} into {@code dst} at {@code offset}. */
    public void copyTokenEmbedding(int tokenId, float[] dst, int offset) {
        if (tokenId < 0 || tokenId >= vocabularySize) {
            throw new IllegalArgumentException("token id " + tokenId + " outside the vocabulary of " + vocabularySize);
        }
        int d = tokenWidth();
        System.arraycopy(tokenEmbedding, tokenId * d, dst, offset, d);
    }

    /** A child manager for one request's tensors; close it when done. */
    public NDManager newManager() {
        return rootManager.newSubManager(device);
    }

    /** Engine arrays currently held by requests (0 when idle: every request releases its tensors). */
    public int arraysInUse() {
        return rootManager.getManagedArrays().size();
    }

    /**
     * Encodes preprocessed images.
     *
     * @param pixels {@code count} images, each [3, S, S] row-major
     * @return normalised features [count, E]
     */
    public float[] encodeImages(float[] pixels, int count) {
        int s = imageSize();
        try (NDManager manager = newManager()) {
            NDArray input = manager.create(pixels, new Shape(count, 3, s, s));
            NDArray features = imageEncoder.forward(new NDList(input)).singletonOrThrow();
            return normalizeRows(features).toFloatArray();
        }
    }

    /**
     * Encodes word-embedding sequences, each pooled at its end position.
     *
     * @param manager      owner of the input and the returned array
     * @param embeddings   [count, T, d]
     * @param endPositions [count] index of each sequence's end token
     * @return normalised features [count, E], on {@code manager}
     */
    public NDArray encodeTexts(NDManager manager, NDArray embeddings, NDArray endPositions) {
        NDArray features = textEncoder.forward(new NDList(embeddings, endPositions)).singletonOrThrow();
        return normalizeRows(features);
    }

    private static NDArray normalizeRows(NDArray features) {
        NDArray norms = features.norm(new int[] {1}, true).maximum(1e-12f);
        return features.div(norms);
    }

    @Override
    public void close() {
        rootManager.close();
        textEncoder.close();
        imageEncoder.close();
    }
}
