package dev.craft.api;

/**
 * {@code POST /v1/predict}. In the binary frame the prompts travel as a tensor and this JSON
 * header carries {@code prompts = null}.
 *
 * @param datasetId  an uploaded dataset of the caller
 * @param classSetId a class set of the caller
 * @param prompts    P prompt offsets, each L*d floats (row-major L x d)
 * @param indices    optional subset of the dataset's images, in the order the logits should follow
 */
public record PredictRequest(String datasetId, String classSetId, float[][] prompts, int[] indices) {
}
