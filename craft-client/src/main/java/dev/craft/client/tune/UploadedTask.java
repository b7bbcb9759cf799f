package dev.craft.client.tune;

/**
 * The uploaded task as the trainer sees it.
 *
 * @param trainDatasetId the few-shot training images on the service
 * @param trainLabels    their labels, in upload order
 * @param testDatasetId  the test images on the service
 * @param testLabels     their labels, in upload order
 * @param classes        K
 */
public record UploadedTask(String trainDatasetId, int[] trainLabels, String testDatasetId, int[] testLabels, int classes) {
}
