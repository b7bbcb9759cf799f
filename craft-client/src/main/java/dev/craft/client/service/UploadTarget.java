package dev.craft.client.service;

/**
 * Where an upload lands: a dataset id is only valid for the same service, model and tenant.
 *
 * @param serviceUrl   the service's base URL
 * @param modelId      the served model's id (features are model-specific)
 * @param apiKeySha256 hex SHA-256 of the API key, standing in for the tenant without revealing the key
 */
public record UploadTarget(String serviceUrl, String modelId, String apiKeySha256) {
}
