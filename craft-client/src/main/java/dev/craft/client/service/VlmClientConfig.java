package dev.craft.client.service;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach the service.
 *
 * @param baseUrl        e.g. {@code http://localhost:8080}
 * @param apiKey         sent as {@code Authorization: Bearer <key>}; never printed
 * @param connectTimeout limit for opening a connection
 * @param requestTimeout limit for a whole request other than an upload
 * @param uploadTimeout  limit for a dataset upload, which encodes every image before it answers
 * @param retry          how failed calls are repeated
 */
public record VlmClientConfig(URI baseUrl, String apiKey, Duration connectTimeout, Duration requestTimeout,
                              Duration uploadTimeout, RetryPolicy retry) {

    public VlmClientConfig {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(uploadTimeout, "uploadTimeout");
        Objects.requireNonNull(retry, "retry");
        if (!"http".equals(baseUrl.getScheme()) && !"https".equals(baseUrl.getScheme()) || baseUrl.getHost() == null) {
            throw new IllegalArgumentException("service URL must be http(s)://host[:port], got " + baseUrl);
        }
        if (apiKey == null || apiKey.isBlank()) {
            throw new IllegalArgumentException("an API key is required");
        }
        String text = baseUrl.toString();
        baseUrl = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    }

    /** Defaults: 10 s to connect, 5 min per request, 30 min per upload, {@link RetryPolicy#DEFAULT}. */
    public static VlmClientConfig of(URI baseUrl, String apiKey) {
        return new VlmClientConfig(baseUrl, apiKey, Duration.ofSeconds(10), Duration.ofMinutes(5),
                Duration.ofMinutes(30), RetryPolicy.DEFAULT);
    }

    public VlmClientConfig withRetry(RetryPolicy policy) {
        return new VlmClientConfig(baseUrl, apiKey, connectTimeout, requestTimeout, uploadTimeout, policy);
    }

    @Override
    public String toString() {
        return "VlmClientConfig[baseUrl=" + baseUrl + ", apiKey=(hidden), connectTimeout=" + connectTimeout
                + ", requestTimeout=" + requestTimeout + ", uploadTimeout=" + uploadTimeout + ", retry=" + retry + "]";
    }
}
