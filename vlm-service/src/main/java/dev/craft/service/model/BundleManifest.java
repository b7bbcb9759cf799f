package dev.craft.service.model;

import java.util.List;

/**
 * The parsed {@code bundle.json} of a model bundle (see docs/models.md).
 */
public record BundleManifest(int format, String name, String modelId, String description, String architecture,
                             String vocabulary, int embedDim, double logitScale, Text text, Image image) {

    public static final int SUPPORTED_FORMAT = 1;

    /** The text tower: encoder file, embedding table, tokenizer and special tokens. */
    public record Text(String encoder, String tokenEmbedding, int tokenWidth, int contextLength, String pooling,
                       Tokenizer tokenizer, int startToken, int endToken, int padToken) {
    }

    /** Which tokenizer the bundle needs and its data file, relative to the bundle directory. */
    public record Tokenizer(String kind, String file) {
    }

    /** The image tower and its preprocessing. */
    public record Image(String encoder, int size, String resize, String crop, double pixelScale, List<Double> mean,
                        List<Double> std) {
    }

    /** Checks the fields the service relies on; throws {@link InvalidBundleException} naming the first bad one. */
    public BundleManifest validate() {
        require(format == SUPPORTED_FORMAT, "format must be " + SUPPORTED_FORMAT + ", got " + format);
        require(modelId != null && !modelId.isBlank(), "modelId is missing");
        require(embedDim > 0, "embedDim must be positive");
        require(logitScale > 0 && Double.isFinite(logitScale), "logitScale must be positive");
        require(text != null, "text section is missing");
        require(text.encoder != null && text.tokenEmbedding != null, "text.encoder and text.tokenEmbedding are required");
        require(text.tokenWidth > 0, "text.tokenWidth must be positive");
        require(text.contextLength >= 4, "text.contextLength must be at least 4");
        require(text.tokenizer != null && text.tokenizer.kind != null && text.tokenizer.file != null,
                "text.tokenizer.kind and text.tokenizer.file are required");
        require(image != null && image.encoder != null, "image.encoder is required");
        require(image.size > 0, "image.size must be positive");
        require(image.mean != null && image.mean.size() == 3 && image.std != null && image.std.size() == 3,
                "image.mean and image.std need 3 values");
        require(image.std.stream().allMatch(s -> s > 0), "image.std values must be positive");
        require(image.pixelScale > 0, "image.pixelScale must be positive");
        return this;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new InvalidBundleException("bundle.json: " + message);
        }
    }
}
