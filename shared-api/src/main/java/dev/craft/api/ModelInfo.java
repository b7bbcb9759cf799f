package dev.craft.api;

/**
 * {@code GET /v1/model}: what a client may know about the served model, and nothing about its weights
 * beyond the spread of the token-embedding table (BBT's projection rule needs it).
 *
 * @param modelId             stable id of the bundle
 * @param name                bundle name
 * @param source              where the bundle was loaded from: {@code embedded} (the tiny test bundle inside the
 *                            service jar) or the bundle directory on the server
 * @param description         what the model is, including honest limits
 * @param architecture        e.g. "clip"
 * @param vocabulary          "open" or "closed" (closed: aligned on a fixed set of concepts only)
 * @param tokenWidth          d, the width of a word embedding and of a prompt-offset row
 * @param contextLength       the text encoder's maximum sequence length in tokens
 * @param maxContextTokens    the largest L (tokens before the class name) a template may have
 * @param hasLogitScale       whether logits are scaled cosine similarities
 * @param logitScale          the scale s in {@code s * cos(image, text)}
 * @param tokenEmbeddingStd   standard deviation of all entries of the token-embedding table
 * @param imageSize           side of the square input image after preprocessing
 * @param device              where the model runs, e.g. "cpu" or "gpu(0)"
 */
public record ModelInfo(String modelId, String name, String source, String description, String architecture, String vocabulary,
                        int tokenWidth, int contextLength, int maxContextTokens, boolean hasLogitScale,
                        double logitScale, double tokenEmbeddingStd, int imageSize, String device) {
}
