package dev.craft.client.service;

import dev.craft.api.TensorFormatException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.JacksonIOException;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Sends one request, repeating it by {@link RetryRules} and {@link RetryPolicy}, and reads a 2xx body.
 * The same {@link HttpRequest} (headers included, so its Idempotency-Key) goes out on every attempt.
 * A failure while reading the body counts as a transport failure and is retried as well.
 */
final class RetryingExchange {

    private static final int MAX_ERROR_BODY = 64 * 1024;

    /** Reads a successful answer. */
    @FunctionalInterface
    interface BodyReader<T> {
        T read(HttpResponse<InputStream> response, InputStream body) throws IOException;
    }

    private final HttpClient http;
    private final String serviceUrl;
    private final RetryPolicy policy;
    private final RetryTiming timing;
    private final JsonMapper json;

    RetryingExchange(HttpClient http, String serviceUrl, RetryPolicy policy, RetryTiming timing, JsonMapper json) {
        this.http = http;
        this.serviceUrl = serviceUrl;
        this.policy = policy;
        this.timing = timing;
        this.json = json;
    }

    <T> T send(String operation, HttpRequest request, BodyReader<T> reader) {
        for (int attempt = 1; ; attempt++) {
            Duration wait;
            try {
                HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream body = response.body()) {
                    if (response.statusCode() >= 200 && response.statusCode() < 300) {
                        return reader.read(response, body);
                    }
                    wait = waitOrThrow(operation, response, body, attempt);
                }
            } catch (JacksonIOException e) {
                wait = waitOrThrow(operation, e, attempt);
            } catch (JacksonException e) {
                throw unreadable(operation, e.getOriginalMessage(), e);
            } catch (TensorFormatException e) {
                throw unreadable(operation, e.getMessage(), e);
            } catch (IOException e) {
                wait = waitOrThrow(operation, e, attempt);
            } catch (InterruptedException e) {
                throw interrupted(operation, e);
            }
            pause(operation, wait);
        }
    }

    /** The wait before repeating an error answer, or the ServiceException when it is final. */
    private Duration waitOrThrow(String operation, HttpResponse<InputStream> response, InputStream body, int attempt)
            throws IOException {
        int status = response.statusCode();
        Optional<Duration> retryAfter = RetryRules.retryAfter(response.headers().firstValue("Retry-After"),
                timing.clock());
        ProblemBody problem = ProblemBody.parse(body.readNBytes(MAX_ERROR_BODY), json);
        if (!RetryRules.isRetryable(status, retryAfter) || attempt >= policy.maxAttempts()) {
            throw new ServiceException(operation, status, problem.type(), problem.detail(), attempt);
        }
        return retryAfter.orElseGet(() -> policy.backoff(attempt, timing.jitter()));
    }

    /** The wait before repeating after a transport failure, or the exception when attempts are spent. */
    private Duration waitOrThrow(String operation, Exception failure, int attempt) {
        if (attempt >= policy.maxAttempts()) {
            throw new ServiceUnreachableException("cannot reach the service at " + serviceUrl
                    + " for " + operation + (attempt > 1 ? " after " + attempt + " attempts" : "") + ": "
                    + describe(failure), failure);
        }
        return policy.backoff(attempt, timing.jitter());
    }

    private void pause(String operation, Duration wait) {
        try {
            timing.sleeper().sleep(wait);
        } catch (InterruptedException e) {
            throw interrupted(operation, e);
        }
    }

    private static VlmClientException unreadable(String operation, String reason, Exception e) {
        return new VlmClientException("the service's answer to " + operation + " is not readable: " + reason, e);
    }

    private static VlmClientException interrupted(String operation, InterruptedException e) {
        Thread.currentThread().interrupt();
        return new VlmClientException("interrupted during " + operation, e);
    }

    private static String describe(Exception e) {
        // HttpClient often throws exceptions without a message (a refused connection is a ConnectException
        // wrapping a ConnectException wrapping a ClosedChannelException); name the outer type and the first message.
        String message = null;
        for (Throwable t = e; t != null && message == null; t = t.getCause()) {
            message = t.getMessage();
        }
        if (message == null && e instanceof java.net.ConnectException) {
            message = "connection refused; is the service running?";
        }
        return e.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    }
}
