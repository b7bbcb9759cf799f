package dev.craft.client.service;

import static dev.craft.client.testsupport.TestImages.png;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.craft.api.ApiHeaders;
import dev.craft.api.ClassSetInfo;
import dev.craft.api.CraftMediaTypes;
import dev.craft.api.DatasetInfo;
import dev.craft.api.PredictFrame;
import dev.craft.api.ProblemTypes;
import dev.craft.api.Tensor;
import dev.craft.api.TensorCodec;
import dev.craft.api.Usage;
import dev.craft.client.service.ScriptedHttpServer.Received;
import dev.craft.client.service.ScriptedHttpServer.Reply;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client-transport test: VlmClient against a scripted in-test HTTP server (not the real service), checking
 * request encoding, response decoding, error mapping, retries and idempotency keys. No test sleeps:
 * waits go to a recording sleeper.
 */
class VlmClientTransportTest {

    private static final String KEY = "test-key";
    private static final RetryPolicy POLICY = new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1));
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private final List<Duration> slept = new ArrayList<>();
    private ScriptedHttpServer server;
    private VlmClient client;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws IOException {
        server = new ScriptedHttpServer();
        client = clientFor(server.baseUrl(), Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private VlmClient clientFor(URI url, Duration requestTimeout) {
        VlmClientConfig config = new VlmClientConfig(url, KEY, Duration.ofSeconds(2), requestTimeout,
                Duration.ofSeconds(10), POLICY);
        return new VlmClient(config, new RetryTiming(slept::add, Clock.fixed(NOW, ZoneOffset.UTC), new Random(42)));
    }

    private static Reply logits(Tensor tensor, long charged, long used, boolean replay) {
        return new Reply(200, Map.of("Content-Type", CraftMediaTypes.TENSOR,
                ApiHeaders.QUERIES_CHARGED, Long.toString(charged),
                ApiHeaders.QUERIES_USED, Long.toString(used),
                ApiHeaders.IDEMPOTENT_REPLAY, Boolean.toString(replay)), TensorCodec.encode(tensor), Duration.ZERO);
    }

    @Test
    void predictRetries503WithRetryAfterUsingTheSameIdempotencyKey() throws IOException {
        Tensor answer = new Tensor(new int[] {2, 3, 2}, new float[] {1, -2, 3.5f, 4, 5, 6, 7, 8, 9, 10, 11, -12.25f});
        server.then(Reply.problem(503, ProblemTypes.OVERLOADED, "busy", Map.of("Retry-After", "2")))
                .then(logits(answer, 2, 17, false));

        PredictResult result = client.predict("ds_1", "cs_1", new float[] {1, 2, 3, 4, 5, 6}, 2, 3);

        assertThat(result.logits()).isEqualTo(answer);
        assertThat(result.queriesCharged()).isEqualTo(2);
        assertThat(result.queriesUsedTotal()).isEqualTo(17);
        assertThat(result.replay()).isFalse();
        assertThat(slept).containsExactly(Duration.ofSeconds(2));

        List<Received> requests = server.received();
        assertThat(requests).hasSize(2);
        String key = requests.get(0).header(ApiHeaders.IDEMPOTENCY_KEY);
        assertThat(key).isNotBlank().isEqualTo(requests.get(1).header(ApiHeaders.IDEMPOTENCY_KEY));
        Received first = requests.get(0);
        assertThat(first.method()).isEqualTo("POST");
        assertThat(first.path()).isEqualTo("/v1/predict");
        assertThat(first.header("Authorization")).isEqualTo("Bearer " + KEY);
        assertThat(first.header("Content-Type")).isEqualTo(CraftMediaTypes.PREDICT_FRAME);
        assertThat(first.header("Accept")).isEqualTo(CraftMediaTypes.TENSOR);
        PredictFrame frame = PredictFrame.read(new ByteArrayInputStream(first.body()), 1000);
        assertThat(frame.headerJson()).contains("\"datasetId\":\"ds_1\"", "\"classSetId\":\"cs_1\"")
                .doesNotContain("\"prompts\":[");
        assertThat(frame.prompts()).isEqualTo(new Tensor(new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}));
        assertThat(requests.get(1).body()).isEqualTo(first.body());
    }

    @Test
    void eachLogicalCallGetsItsOwnIdempotencyKey() {
        Tensor answer = new Tensor(new int[] {1, 1, 1}, new float[] {0});
        server.then(logits(answer, 1, 1, false)).then(logits(answer, 0, 1, true));

        client.predict("ds", "cs", new float[] {0}, 1, 1);
        PredictResult second = client.predict("ds", "cs", new float[] {0}, 1, 1);

        assertThat(second.replay()).isTrue();
        assertThat(second.queriesCharged()).isZero();
        List<Received> requests = server.received();
        assertThat(requests.get(0).header(ApiHeaders.IDEMPOTENCY_KEY))
                .isNotEqualTo(requests.get(1).header(ApiHeaders.IDEMPOTENCY_KEY));
    }

    @Test
    void quotaExhaustedIsFinal() {
        server.then(Reply.problem(429, ProblemTypes.QUOTA_EXHAUSTED, "quota of 100 queries used up", Map.of()));

        assertThatThrownBy(() -> client.predict("ds", "cs", new float[] {0}, 1, 1))
                .isInstanceOfSatisfying(ServiceException.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.problemType()).isEqualTo(ProblemTypes.QUOTA_EXHAUSTED);
                    assertThat(e.detail()).isEqualTo("quota of 100 queries used up");
                })
                .hasMessage("service refused predict (429 urn:craft:problem:quota-exhausted): quota of 100 queries used up");
        assertThat(server.received()).hasSize(1);
        assertThat(slept).isEmpty();
    }

    @Test
    void tooManyRequestsWithRetryAfterIsRetried() {
        Tensor answer = new Tensor(new int[] {1, 1, 1}, new float[] {3});
        server.then(Reply.problem(429, ProblemTypes.OVERLOADED, "slow down", Map.of("Retry-After", "1")))
                .then(logits(answer, 1, 1, false));

        assertThat(client.predict("ds", "cs", new float[] {0}, 1, 1).logits()).isEqualTo(answer);
        assertThat(slept).containsExactly(Duration.ofSeconds(1));
    }

    @Test
    void retryAfterAsHttpDateIsHonoured() {
        Tensor answer = new Tensor(new int[] {1, 1, 1}, new float[] {3});
        server.then(Reply.problem(503, ProblemTypes.OVERLOADED, "busy",
                        Map.of("Retry-After", "Thu, 01 Jan 2026 00:00:05 GMT")))
                .then(logits(answer, 1, 1, false));

        client.predict("ds", "cs", new float[] {0}, 1, 1);

        assertThat(slept).containsExactly(Duration.ofSeconds(5));
    }

    @Test
    void serverErrorsBackOffWithJitterAndGiveUpAfterMaxAttempts() {
        for (int i = 0; i < 3; i++) {
            server.then(Reply.problem(500, ProblemTypes.INTERNAL, "boom", Map.of()));
        }

        assertThatThrownBy(() -> client.usage())
                .isInstanceOf(ServiceException.class)
                .hasMessage("service failed usage (500 urn:craft:problem:internal-error) after 3 attempts: boom");
        assertThat(server.received()).hasSize(3);
        assertThat(slept).hasSize(2);
        assertThat(slept.get(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
        assertThat(slept.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void clientErrorsAreNotRetried() {
        server.then(Reply.problem(400, ProblemTypes.INVALID_PROMPT_SHAPE, "expected 2048 values", Map.of()));

        assertThatThrownBy(() -> client.predict("ds", "cs", new float[] {0}, 1, 1))
                .isInstanceOfSatisfying(ServiceException.class,
                        e -> assertThat(e.problemType()).isEqualTo(ProblemTypes.INVALID_PROMPT_SHAPE));
        assertThat(server.received()).hasSize(1);
    }

    @Test
    void nonProblemErrorBodyIsShownAsText() {
        server.then(new Reply(502, Map.of("Content-Type", "text/html"), "<html>\n bad gateway\n</html>".getBytes(),
                Duration.ZERO)).then(Reply.problem(401, ProblemTypes.INVALID_API_KEY, "the API key is not valid", Map.of()));

        assertThatThrownBy(() -> client.model())
                .hasMessage("service refused model (401 urn:craft:problem:invalid-api-key) after 2 attempts:"
                        + " the API key is not valid");
    }

    @Test
    void connectionRefusedIsRetriedThenReported() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        VlmClient unreachable = clientFor(URI.create("http://127.0.0.1:" + port), Duration.ofSeconds(2));

        assertThatThrownBy(unreachable::usage)
                .isInstanceOf(ServiceUnreachableException.class)
                .hasMessageStartingWith("cannot reach the service at http://127.0.0.1:" + port + " for usage after 3 attempts: ")
                .hasMessageContaining("Connect");
        assertThat(slept).hasSize(2);
    }

    @Test
    void timeoutIsRetriedWithTheSameKey() {
        VlmClient impatient = clientFor(server.baseUrl(), Duration.ofMillis(300));
        Tensor answer = new Tensor(new int[] {1, 1, 1}, new float[] {1});
        server.then(logits(answer, 1, 1, false).delayedBy(Duration.ofSeconds(2)))
                .then(logits(answer, 0, 1, true));

        PredictResult result = impatient.predict("ds", "cs", new float[] {0}, 1, 1);

        assertThat(result.replay()).isTrue();
        List<Received> requests = server.received();
        assertThat(requests).hasSize(2);
        assertThat(requests.get(0).header(ApiHeaders.IDEMPOTENCY_KEY))
                .isEqualTo(requests.get(1).header(ApiHeaders.IDEMPOTENCY_KEY));
    }

    @Test
    void uploadStreamsMultipartAndResendsItOnRetry() throws IOException {
        Path a = png(dir.resolve("a.png"), 1);
        Path b = Files.write(dir.resolve("b.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2, 3});
        server.then(Reply.problem(503, ProblemTypes.OVERLOADED, "busy", Map.of()))
                .then(Reply.json(201, "{\"datasetId\":\"ds_9\",\"size\":2,\"fileNames\":[\"a.png\",\"b.jpg\"],"
                        + "\"createdAt\":\"2026-01-01T00:00:00Z\",\"futureField\":true}"));

        DatasetInfo info = client.upload(List.of(a, b));

        assertThat(info).isEqualTo(new DatasetInfo("ds_9", 2, List.of("a.png", "b.jpg"), NOW));
        List<Received> requests = server.received();
        assertThat(requests).hasSize(2);
        assertThat(requests.get(0).header(ApiHeaders.IDEMPOTENCY_KEY)).isNull();
        assertThat(requests.get(1).body()).isEqualTo(requests.get(0).body());
        String body = requests.get(1).bodyText();
        assertThat(requests.get(1).header("Content-Type")).startsWith("multipart/form-data; boundary=");
        assertThat(body).contains("name=\"images\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n"
                + new String(Files.readAllBytes(a), java.nio.charset.StandardCharsets.ISO_8859_1) + "\r\n");
        assertThat(body).contains("name=\"images\"; filename=\"b.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
                + new String(Files.readAllBytes(b), java.nio.charset.StandardCharsets.ISO_8859_1) + "\r\n");
        assertThat(body.indexOf("a.png")).isLessThan(body.indexOf("b.jpg"));
    }

    @Test
    void classifySendsThePromptAsATensorPart() throws IOException {
        Path a = png(dir.resolve("a.png"), 1);
        Tensor answer = new Tensor(new int[] {1, 2}, new float[] {0.5f, -0.5f});
        server.then(logits(answer, 1, 5, false));

        PredictResult result = client.classify("cs_7", List.of(a), new float[] {1.5f, 2.5f});

        assertThat(result.logits()).isEqualTo(answer);
        Received request = server.received().get(0);
        assertThat(request.path()).isEqualTo("/v1/classify");
        assertThat(request.header(ApiHeaders.IDEMPOTENCY_KEY)).isNotBlank();
        String body = request.bodyText();
        assertThat(body).contains("name=\"classSetId\"\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\ncs_7\r\n");
        String tensor = new String(TensorCodec.encode(new Tensor(new int[] {1, 2}, new float[] {1.5f, 2.5f})),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(body).contains("name=\"prompt\"; filename=\"prompt.crft\"\r\nContent-Type: "
                + CraftMediaTypes.TENSOR + "\r\n\r\n" + tensor + "\r\n");
    }

    @Test
    void jsonEndpointsDecode() {
        server.then(Reply.json(201, "{\"classSetId\":\"cs_1\",\"classNames\":[\"a\",\"b\"],\"template\":\"a photo of a {}.\","
                        + "\"contextTokens\":4,\"tokenDim\":512}"))
                .then(Reply.json(200, "{\"tenant\":\"t\",\"queries\":3,\"quota\":10,\"remaining\":7}"));

        assertThat(client.createClassSet(List.of("a", "b"), null))
                .isEqualTo(new ClassSetInfo("cs_1", List.of("a", "b"), "a photo of a {}.", 4, 512));
        assertThat(client.usage()).isEqualTo(new Usage("t", 3, 10, 7));
        assertThat(server.received().get(0).bodyText()).isEqualTo("{\"classNames\":[\"a\",\"b\"],\"template\":null}");
    }

    @Test
    void datasetExistsMapsNotFoundToFalse() {
        server.then(Reply.json(200, "{\"datasetId\":\"ds 1\",\"size\":1,\"fileNames\":[\"a\"],\"createdAt\":\"2026-01-01T00:00:00Z\"}"))
                .then(Reply.problem(404, ProblemTypes.NOT_FOUND, "no dataset with id 'x'", Map.of()));

        assertThat(client.datasetExists("ds 1")).isTrue();
        assertThat(client.datasetExists("x")).isFalse();
        assertThat(server.received().get(0).path()).isEqualTo("/v1/datasets/ds%201");
    }

    @Test
    void wrongPromptLengthIsRefusedBeforeSending() {
        assertThatThrownBy(() -> client.predict("ds", "cs", new float[5], 2, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("2 prompts of 3 values need 6 floats, got 5");
        assertThat(server.received()).isEmpty();
    }

    @Test
    void configNeverPrintsTheKey() {
        assertThat(VlmClientConfig.of(URI.create("http://h:1/"), "secret-key").toString())
                .doesNotContain("secret-key").contains("baseUrl=http://h:1,");
    }
}
