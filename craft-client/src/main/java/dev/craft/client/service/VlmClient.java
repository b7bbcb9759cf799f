package dev.craft.client.service;

import dev.craft.api.ApiHeaders;
import dev.craft.api.ClassSetInfo;
import dev.craft.api.ClassSetRequest;
import dev.craft.api.CraftMediaTypes;
import dev.craft.api.DatasetInfo;
import dev.craft.api.LogitsResponse;
import dev.craft.api.ModelInfo;
import dev.craft.api.PredictFrame;
import dev.craft.api.PredictRequest;
import dev.craft.api.Tensor;
import dev.craft.api.TensorCodec;
import dev.craft.api.Usage;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The VLM service's v1 API over {@link HttpClient}. Tensors travel binary both ways. Failed calls are
 * repeated as {@link RetryingExchange} describes; metered calls (predict, classify) carry one
 * {@code Idempotency-Key} per logical call, the same on every retry, so a retry after a lost answer is
 * replayed by the service without a second charge. Uploads and class sets are not metered and carry no
 * key: a retry after a lost answer may leave an unused duplicate on the service. Thread-safe.
 */
public final class VlmClient implements DatasetUploader {

    // Bounds a logits answer (1 GiB of floats) before anything is allocated for it.
    private static final long MAX_LOGITS = 1L << 28;
    private static final String JSON = "application/json";

    private final VlmClientConfig config;
    private final HttpClient http;
    private final RetryingExchange exchange;
    private final JsonMapper json;
    private volatile ModelInfo model;

    public VlmClient(VlmClientConfig config) {
        this(config, RetryTiming.system());
    }

    public VlmClient(VlmClientConfig config, RetryTiming timing) {
        this.config = config;
        this.json = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.exchange = new RetryingExchange(http, config.baseUrl().toString(), config.retry(), timing, json);
    }

    /** {@code GET /v1/model}. */
    public ModelInfo model() {
        ModelInfo info = exchange.send("model", get("/v1/model"), jsonBody(ModelInfo.class));
        model = info;
        return info;
    }

    /**
     * {@code GET /v1/model} as the service sent it, fields this client version does not know included
     * (for reports that show whatever the service publishes).
     */
    public tools.jackson.databind.JsonNode modelDocument() {
        return exchange.send("model", get("/v1/model"), (response, body) -> json.readTree(body));
    }

    /** {@code POST /v1/datasets}: the images as repeated multipart field {@code images}, streamed from disk. */
    public DatasetInfo upload(List<Path> images) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("nothing to upload: the image list is empty");
        }
        MultipartBody body = new MultipartBody();
        images.forEach(image -> body.file("images", image));
        HttpRequest request = request("/v1/datasets", config.uploadTimeout())
                .header("Content-Type", body.contentType())
                .header("Accept", JSON)
                .POST(body.publisher())
                .build();
        return exchange.send("upload", request, jsonBody(DatasetInfo.class));
    }

    /** {@code GET /v1/datasets/{id}}: false on 404 (unknown, deleted, or another tenant's). */
    public boolean datasetExists(String datasetId) {
        try {
            exchange.send("dataset lookup", get("/v1/datasets/" + PathSegment.encode(datasetId)),
                    jsonBody(DatasetInfo.class));
            return true;
        } catch (ServiceException e) {
            if (e.status() == 404) {
                return false;
            }
            throw e;
        }
    }

    /** {@code DELETE /v1/classsets/{id}}; an unknown id (already gone) is not an error. */
    public void deleteClassSet(String classSetId) {
        HttpRequest request = request("/v1/classsets/" + PathSegment.encode(classSetId), config.requestTimeout())
                .DELETE().build();
        try {
            exchange.send("delete class set", request, (response, body) -> null);
        } catch (ServiceException e) {
            if (e.status() != 404) {
                throw e;
            }
        }
    }

    /** {@code POST /v1/classsets}; a null template means the service default. */
    public ClassSetInfo createClassSet(List<String> names, String template) {
        byte[] body = json.writeValueAsBytes(new ClassSetRequest(names, template));
        HttpRequest request = request("/v1/classsets", config.requestTimeout())
                .header("Content-Type", JSON)
                .header("Accept", JSON)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return exchange.send("create class set", request, jsonBody(ClassSetInfo.class));
    }

    /** As {@link #predict(String, String, float[], int, int, int[])} on the whole dataset. */
    public PredictResult predict(String datasetId, String classSetId, float[] prompts, int promptCount,
                                 int promptSize) {
        return predict(datasetId, classSetId, prompts, promptCount, promptSize, null);
    }

    /**
     * {@code POST /v1/predict} as a binary frame; metered as {@code promptCount} queries.
     *
     * @param prompts     {@code promptCount} prompt offsets of {@code promptSize} (L x d) floats each, row-major
     * @param indices     the dataset images to score, in the order the logits should follow; null for all
     * @return logits [P, N, K]
     */
    public PredictResult predict(String datasetId, String classSetId, float[] prompts, int promptCount,
                                 int promptSize, int[] indices) {
        return predict(datasetId, classSetId, prompts, promptCount, promptSize, indices, UUID.randomUUID().toString());
    }

    /**
     * As above with the caller's idempotency key: sending the same request with the same key again
     * (after a lost answer, or when a resumed run redoes a round) is answered without a new charge.
     */
    public PredictResult predict(String datasetId, String classSetId, float[] prompts, int promptCount,
                                 int promptSize, int[] indices, String idempotencyKey) {
        if (promptCount < 1 || promptSize < 1 || (long) promptCount * promptSize != prompts.length) {
            throw new IllegalArgumentException(promptCount + " prompts of " + promptSize + " values need "
                    + (long) promptCount * promptSize + " floats, got " + prompts.length);
        }
        String header = json.writeValueAsString(new PredictRequest(datasetId, classSetId, null, indices));
        ByteArrayOutputStream frame = new ByteArrayOutputStream(
                (int) Math.min(Integer.MAX_VALUE - 8, 4L + header.length() * 3L + TensorCodec.encodedBytes(
                        new int[] {promptCount, promptSize})));
        try {
            new PredictFrame(header, new Tensor(new int[] {promptCount, promptSize}, prompts)).write(frame);
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        HttpRequest request = metered("/v1/predict", idempotencyKey)
                .header("Content-Type", CraftMediaTypes.PREDICT_FRAME)
                .POST(HttpRequest.BodyPublishers.ofByteArray(frame.toByteArray()))
                .build();
        PredictResult result = exchange.send("predict", request, this::metered);
        int[] shape = result.logits().shape();
        if (shape.length != 3 || shape[0] != promptCount) {
            throw new VlmClientException("predict answered logits of shape " + Arrays.toString(shape)
                    + ", expected [" + promptCount + ", N, K]");
        }
        return result;
    }

    /**
     * {@code POST /v1/predict} as a JSON body answered in JSON: the small-call form of the API, and how a
     * client that sends one prompt per request talks to it. Floats survive the round trip exactly (they
     * are written in their shortest form that reads back to the same float). Metered as
     * {@code prompts.length} queries.
     *
     * @param prompts offsets of L x d floats each
     * @return logits [P, N, K]
     */
    public PredictResult predictJson(String datasetId, String classSetId, float[][] prompts, int[] indices,
                                     String idempotencyKey) {
        if (prompts.length < 1) {
            throw new IllegalArgumentException("predict needs at least one prompt");
        }
        byte[] body = json.writeValueAsBytes(new PredictRequest(datasetId, classSetId, prompts, indices));
        HttpRequest request = request("/v1/predict", config.requestTimeout())
                .header("Content-Type", JSON)
                .header("Accept", JSON)
                .header(ApiHeaders.IDEMPOTENCY_KEY, idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        PredictResult result = exchange.send("predict", request, this::metered);
        int[] shape = result.logits().shape();
        if (shape.length != 3 || shape[0] != prompts.length) {
            throw new VlmClientException("predict answered logits of shape " + Arrays.toString(shape)
                    + ", expected [" + prompts.length + ", N, K]");
        }
        return result;
    }

    /**
     * {@code POST /v1/classify}: images sent inline (not stored) with one prompt offset; metered as one query.
     *
     * @param prompt one offset of L x d floats, or null for the plain template
     * @return logits [B, K], B = the number of images
     */
    public PredictResult classify(String classSetId, List<Path> images, float[] prompt) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("nothing to classify: the image list is empty");
        }
        MultipartBody body = new MultipartBody().field("classSetId", classSetId);
        images.forEach(image -> body.file("images", image));
        if (prompt != null) {
            body.bytes("prompt", "prompt.crft", CraftMediaTypes.TENSOR, HttpRequest.BodyPublishers.ofByteArray(
                    TensorCodec.encode(new Tensor(new int[] {1, prompt.length}, prompt))));
        }
        HttpRequest request = metered("/v1/classify", UUID.randomUUID().toString())
                .header("Content-Type", body.contentType())
                .POST(body.publisher())
                .build();
        PredictResult result = exchange.send("classify", request, this::metered);
        int[] shape = result.logits().shape();
        if (shape.length != 2 || shape[0] != images.size()) {
            throw new VlmClientException("classify answered logits of shape " + Arrays.toString(shape)
                    + ", expected [" + images.size() + ", K]");
        }
        return result;
    }

    /** {@code GET /v1/usage}. */
    public Usage usage() {
        return exchange.send("usage", get("/v1/usage"), jsonBody(Usage.class));
    }

    /** Service URL, served model (asked once per client) and the key's hash. */
    @Override
    public UploadTarget uploadTarget() {
        ModelInfo info = model;
        if (info == null) {
            info = model();
        }
        return new UploadTarget(config.baseUrl().toString(), info.modelId(), Sha256.hex(config.apiKey()));
    }

    private HttpRequest get(String path) {
        return request(path, config.requestTimeout()).header("Accept", JSON).GET().build();
    }

    private HttpRequest.Builder metered(String path, String idempotencyKey) {
        return request(path, config.requestTimeout())
                .header("Accept", CraftMediaTypes.TENSOR)
                .header(ApiHeaders.IDEMPOTENCY_KEY, idempotencyKey);
    }

    private HttpRequest.Builder request(String path, Duration timeout) {
        return HttpRequest.newBuilder(URI.create(config.baseUrl() + path))
                .timeout(timeout)
                .header("Authorization", "Bearer " + config.apiKey());
    }

    private <T> RetryingExchange.BodyReader<T> jsonBody(Class<T> type) {
        return (response, body) -> json.readValue(body, type);
    }

    private PredictResult metered(HttpResponse<InputStream> response, InputStream body) throws IOException {
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        Tensor logits = contentType.startsWith(JSON)
                ? json.readValue(body, LogitsResponse.class).toTensor()
                : TensorCodec.read(new BufferedInputStream(body, 1 << 16), MAX_LOGITS);
        return new PredictResult(logits,
                longHeader(response, ApiHeaders.QUERIES_CHARGED),
                longHeader(response, ApiHeaders.QUERIES_USED),
                response.headers().firstValue(ApiHeaders.IDEMPOTENT_REPLAY).map(Boolean::parseBoolean).orElse(false));
    }

    private static long longHeader(HttpResponse<?> response, String name) {
        Optional<String> value = response.headers().firstValue(name);
        if (value.isEmpty()) {
            return -1;
        }
        try {
            return Long.parseLong(value.get().strip());
        } catch (NumberFormatException e) {
            throw new VlmClientException("the service sent a malformed " + name + " header: '" + value.get() + "'");
        }
    }
}
