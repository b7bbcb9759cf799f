package dev.craft.client.cli;

import dev.craft.client.service.RetryPolicy;
import dev.craft.client.service.VlmClient;
import dev.craft.client.service.VlmClientConfig;
import picocli.CommandLine.Option;

import java.net.URI;

/** Where the black box is and how to authenticate; shared by the commands that call it. */
public final class ServiceOptions {

    @Option(names = "--service", defaultValue = "${env:CRAFT_SERVICE:-http://localhost:8080}",
            description = "Service URL (env CRAFT_SERVICE; default: ${DEFAULT-VALUE}).")
    URI service;

    @Option(names = "--api-key", defaultValue = "${env:CRAFT_API_KEY}",
            description = "API key (env CRAFT_API_KEY).")
    String apiKey;

    @Option(names = "--retries", defaultValue = "9",
            description = "Retries of a failed call (connection lost, 5xx, 503/429 with Retry-After), with backoff "
                    + "up to 15 s; the default rides out about a minute of outage (default: ${DEFAULT-VALUE}).")
    int retries;

    /** A client for the service, with the default timeouts and the chosen retries. */
    public VlmClient client() {
        return new VlmClient(VlmClientConfig.of(service, apiKey()).withRetry(retryPolicy()));
    }

    public RetryPolicy retryPolicy() {
        if (retries < 0) {
            throw new IllegalArgumentException("--retries must not be negative");
        }
        return RetryPolicy.withRetries(retries);
    }

    public URI url() {
        return service;
    }

    public String apiKey() {
        if (apiKey == null || apiKey.isBlank()) {
            throw new IllegalArgumentException("an API key is required: --api-key KEY or env CRAFT_API_KEY");
        }
        return apiKey;
    }
}
