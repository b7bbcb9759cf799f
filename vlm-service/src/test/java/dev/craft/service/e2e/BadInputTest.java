package dev.craft.service.e2e;

import dev.craft.api.CraftMediaTypes;
import dev.craft.api.PredictFrame;
import dev.craft.api.Tensor;
import dev.craft.service.testsupport.BadFiles;
import dev.craft.service.testsupport.Multipart;
import dev.craft.service.testsupport.TestImages;
import dev.craft.service.testsupport.VlmHttp;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static dev.craft.service.testsupport.ServiceFixture.createClassSet;
import static dev.craft.service.testsupport.ServiceFixture.uploadGenerated;
import static dev.craft.service.testsupport.ServiceFixture.usage;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Malformed requests across every endpoint: each gets its documented 4xx problem+json, never a 5xx,
 * nothing is charged, no partial dataset stays behind, and the service stays healthy.
 */
@TestPropertySource(properties = {"vlm.limits.max-archive-entries=40", "vlm.limits.max-images-per-dataset=40",
        "vlm.limits.max-body-bytes=2000000"})
class BadInputTest extends ServiceTestBase {

    private static final String P = "urn:craft:problem:";

    @Value("${vlm.data-dir}")
    Path dataDir;

    record Case(String name, int status, String type, Supplier<HttpResponse<byte[]>> call) {
    }

    @TestFactory
    Stream<DynamicTest> everyBadRequestGetsItsProblem() throws IOException {
        VlmHttp bob = bob();
        String datasetId = uploadGenerated(bob, 2, 40);
        String classSetId = createClassSet(bob, List.of("left", "right")).get("classSetId").asString();
        long usageBefore = usage(bob);
        float[] goodPrompt = new float[4 * 32];
        byte[] png = TestImages.png(1, 20, 20);
        byte[] jpeg = TestImages.jpeg(2, 64, 64);

        List<Case> cases = new ArrayList<>();
        // Authentication
        cases.add(new Case("no key", 401, P + "missing-api-key", () -> new VlmHttp(port, null).get("/v1/usage")));
        cases.add(new Case("wrong key", 401, P + "invalid-api-key", () -> bob.as("wrong-key-000").get("/v1/usage")));
        cases.add(new Case("basic auth", 401, P + "invalid-api-key", () -> bob.send(new VlmHttp(port, null)
                .request("/v1/usage").header("Authorization", "Basic " + BOB_KEY).GET().build())));
        // Predict, JSON
        cases.add(new Case("broken json", 400, P + "malformed-request", () -> bob.postJson("/v1/predict", "{\"datasetId\": ")));
        cases.add(new Case("prompts wrong type", 400, P + "malformed-request", () -> bob.postJson("/v1/predict",
                "{\"datasetId\":\"" + datasetId + "\",\"classSetId\":\"" + classSetId + "\",\"prompts\":\"abc\"}")));
        cases.add(new Case("prompt wrong length", 400, P + "invalid-prompt-shape", () -> predict(bob, datasetId, classSetId,
                new float[][] {new float[10]}, null)));
        cases.add(new Case("no prompts", 400, P + "invalid-prompt-shape", () -> predict(bob, datasetId, classSetId,
                new float[0][], null)));
        cases.add(new Case("too many prompts", 400, P + "invalid-prompt-shape", () -> predict(bob, datasetId, classSetId,
                repeat(goodPrompt, 257), null)));
        cases.add(new Case("NaN prompt", 400, P + "non-finite-value", () -> bob.postJson("/v1/predict",
                "{\"datasetId\":\"" + datasetId + "\",\"classSetId\":\"" + classSetId + "\",\"prompts\":[["
                        + "\"NaN\"" + ",0".repeat(127) + "]]}")));
        cases.add(new Case("overflowing prompt", 400, P + "non-finite-value", () -> bob.postJson("/v1/predict",
                "{\"datasetId\":\"" + datasetId + "\",\"classSetId\":\"" + classSetId + "\",\"prompts\":[["
                        + "1e39" + ",0".repeat(127) + "]]}")));
        cases.add(new Case("unknown dataset", 404, P + "not-found", () -> predict(bob, "ds_nope", classSetId,
                new float[][] {goodPrompt}, null)));
        cases.add(new Case("unknown class set", 404, P + "not-found", () -> predict(bob, datasetId, "cs_nope",
                new float[][] {goodPrompt}, null)));
        cases.add(new Case("missing datasetId", 400, P + "malformed-request", () -> bob.postJson("/v1/predict",
                Map.of("classSetId", classSetId, "prompts", new float[][] {goodPrompt}))));
        cases.add(new Case("index out of range", 400, P + "invalid-indices", () -> predict(bob, datasetId, classSetId,
                new float[][] {goodPrompt}, new int[] {0, 2})));
        cases.add(new Case("negative index", 400, P + "invalid-indices", () -> predict(bob, datasetId, classSetId,
                new float[][] {goodPrompt}, new int[] {-1})));
        cases.add(new Case("empty indices", 400, P + "invalid-indices", () -> predict(bob, datasetId, classSetId,
                new float[][] {goodPrompt}, new int[0])));
        cases.add(new Case("text/plain body", 415, P + "unsupported-media-type", () -> bob.send(bob.request("/v1/predict")
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("hello")).build())));
        cases.add(new Case("html only accepted", 406, P + "not-acceptable", () -> bob.send(bob.request("/v1/predict")
                .header("Content-Type", "application/json").header("Accept", "text/html")
                .POST(HttpRequest.BodyPublishers.ofString(VlmHttp.JSON.writeValueAsString(Map.of("datasetId", datasetId,
                        "classSetId", classSetId, "prompts", new float[][] {goodPrompt})))).build())));
        cases.add(new Case("bad idempotency key", 400, P + "malformed-request", () -> bob.send(bob.request("/v1/predict")
                .header("Content-Type", "application/json").header("Idempotency-Key", "has space")
                .POST(HttpRequest.BodyPublishers.ofString(VlmHttp.JSON.writeValueAsString(Map.of("datasetId", datasetId,
                        "classSetId", classSetId, "prompts", new float[][] {goodPrompt})))).build())));
        String hugeJson = "{\"datasetId\":\"" + datasetId + "\",\"classSetId\":\"" + classSetId + "\",\"indices\":["
                + "0,".repeat(1_500_000) + "0],\"prompts\":[[" + "0,".repeat(127) + "0]]}";
        cases.add(new Case("huge json body", 413, P + "payload-too-large", () -> bob.postJson("/v1/predict", hugeJson)));
        cases.add(new Case("huge chunked json body", 413, P + "payload-too-large", () -> bob.send(bob.request("/v1/predict")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                        hugeJson.getBytes(java.nio.charset.StandardCharsets.UTF_8)))).build())));
        // Predict, binary frame
        String header = VlmHttp.JSON.writeValueAsString(Map.of("datasetId", datasetId, "classSetId", classSetId));
        byte[] goodFrame = frame(header, new Tensor(new int[] {1, 4, 32}, goodPrompt));
        cases.add(new Case("truncated frame", 400, P + "malformed-request", () -> binary(bob, Arrays.copyOf(goodFrame, goodFrame.length - 7))));
        byte[] badMagic = goodFrame.clone();
        badMagic[4 + header.length()] = 'X';
        cases.add(new Case("bad tensor magic", 400, P + "malformed-request", () -> binary(bob, badMagic)));
        cases.add(new Case("frame header not json", 400, P + "malformed-request", () -> binary(bob,
                frame("not json", new Tensor(new int[] {1, 128}, goodPrompt)))));
        cases.add(new Case("prompts in frame header", 400, P + "malformed-request", () -> binary(bob,
                frame("{\"datasetId\":\"" + datasetId + "\",\"classSetId\":\"" + classSetId + "\",\"prompts\":[[1]]}",
                        new Tensor(new int[] {1, 128}, goodPrompt)))));
        cases.add(new Case("frame wrong shape", 400, P + "invalid-prompt-shape", () -> binary(bob,
                frame(header, new Tensor(new int[] {1, 32, 4}, goodPrompt)))));
        byte[] huge = frame(header, new Tensor(new int[] {1, 128}, goodPrompt));
        int dims = 4 + header.length() + 8;
        huge[dims] = huge[dims + 1] = huge[dims + 2] = (byte) 0xff;
        huge[dims + 3] = 0x7f;
        cases.add(new Case("frame declaring a huge tensor", 400, P + "malformed-request", () -> binary(bob, huge)));
        // Class sets
        cases.add(new Case("no class names", 400, P + "invalid-class-set", () -> bob.postJson("/v1/classsets",
                Map.of("classNames", List.of()))));
        cases.add(new Case("null class names", 400, P + "invalid-class-set", () -> bob.postJson("/v1/classsets", "{}")));
        cases.add(new Case("duplicate class names", 400, P + "invalid-class-set", () -> bob.postJson("/v1/classsets",
                Map.of("classNames", List.of("Cat", "dog", "cat")))));
        cases.add(new Case("blank class name", 400, P + "invalid-class-set", () -> bob.postJson("/v1/classsets",
                Map.of("classNames", List.of("cat", "   ")))));
        cases.add(new Case("very long class name", 400, P + "invalid-class-set", () -> bob.postJson("/v1/classsets",
                Map.of("classNames", List.of("x".repeat(5000))))));
        cases.add(new Case("too many classes", 400, P + "invalid-class-set", () -> bob.postJson("/v1/classsets",
                Map.of("classNames", numbered(2001)))));
        cases.add(new Case("template without placeholder", 400, P + "invalid-template", () -> bob.postJson("/v1/classsets",
                Map.of("classNames", List.of("a"), "template", "a photo"))));
        cases.add(new Case("template with two placeholders", 400, P + "invalid-template", () -> bob.postJson("/v1/classsets",
                Map.of("classNames", List.of("a"), "template", "{} and {}"))));
        cases.add(new Case("template with nothing before the placeholder", 400, P + "invalid-template", () -> bob.postJson(
                "/v1/classsets", Map.of("classNames", List.of("a"), "template", "{}."))));
        cases.add(new Case("class names of wrong type", 400, P + "malformed-request", () -> bob.postJson("/v1/classsets",
                "{\"classNames\": 5}")));
        // Datasets
        cases.add(new Case("upload as json", 415, P + "unsupported-media-type", () -> bob.postJson("/v1/datasets", "{}")));
        cases.add(new Case("upload without images", 400, P + "malformed-request", () -> bob.postMultipart("/v1/datasets",
                new Multipart().field("other", "x"))));
        cases.add(new Case("random bytes as image", 400, P + "invalid-image", () -> upload(bob, "noise.jpg", new byte[] {1, 2, 3, 4, 5})));
        cases.add(new Case("truncated png", 400, P + "invalid-image", () -> upload(bob, "half.png", BadFiles.truncated(png))));
        cases.add(new Case("truncated jpeg", 400, P + "invalid-image", () -> upload(bob, "half.jpg", BadFiles.truncated(jpeg))));
        cases.add(new Case("decompression bomb", 400, P + "invalid-image", () -> upload(bob, "bomb.png",
                BadFiles.pngDeclaring(100_000, 100_000))));
        cases.add(new Case("text file", 400, P + "invalid-image", () -> upload(bob, "notes.txt", "hello".getBytes())));
        cases.add(new Case("empty file", 400, P + "invalid-image", () -> upload(bob, "empty.png", new byte[0])));
        cases.add(new Case("zip path traversal", 400, P + "invalid-archive", () -> upload(bob, "evil.zip",
                BadFiles.zip("ok.png", png, "../../etc/evil.png", png))));
        cases.add(new Case("tar symlink", 400, P + "invalid-archive", () -> upload(bob, "evil.tar",
                BadFiles.tarWithSymlink("link.png", "/etc/passwd"))));
        cases.add(new Case("zip with a non-image", 400, P + "invalid-image", () -> upload(bob, "mixed.zip",
                BadFiles.zip("ok.png", png, "readme.txt", "hi".getBytes()))));
        cases.add(new Case("zip with too many files", 400, P + "too-many-images", () -> upload(bob, "many.zip",
                manyPngs(41, png))));
        cases.add(new Case("empty zip", 400, P + "invalid-archive", () -> upload(bob, "empty.zip", BadFiles.zip())));
        cases.add(new Case("archive beside images", 400, P + "invalid-archive", () -> bob.postMultipart("/v1/datasets",
                new Multipart().file("images", "a.png", "image/png", png).file("images", "b.zip", "application/zip",
                        BadFiles.zip("c.png", png)))));
        // Classify and routing
        cases.add(new Case("classify without class set", 400, P + "malformed-request", () -> bob.postMultipart("/v1/classify",
                new Multipart().file("images", "a.png", "image/png", png))));
        cases.add(new Case("classify prompt wrong length", 400, P + "invalid-prompt-shape", () -> bob.postMultipart(
                "/v1/classify", new Multipart().field("classSetId", classSetId).file("images", "a.png", "image/png", png)
                        .file("prompt", "p.json", "application/json", "[1,2,3]".getBytes()))));
        cases.add(new Case("classify corrupt image", 400, P + "invalid-image", () -> bob.postMultipart("/v1/classify",
                new Multipart().field("classSetId", classSetId).file("images", "bad.png", "image/png", new byte[] {9, 9}))));
        cases.add(new Case("classify with classSetId as a file", 400, P + "malformed-request", () -> bob.postMultipart(
                "/v1/classify", new Multipart().file("classSetId", "cs.txt", "text/plain", classSetId.getBytes())
                        .file("images", "a.png", "image/png", png))));
        cases.add(new Case("classify prompt field not json", 400, P + "malformed-request", () -> bob.postMultipart(
                "/v1/classify", new Multipart().field("classSetId", classSetId).field("prompt", "[1, oops")
                        .file("images", "a.png", "image/png", png))));
        cases.add(new Case("missing body", 400, P + "malformed-request", () -> bob.send(bob.request("/v1/classsets")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.noBody()).build())));
        cases.add(new Case("unknown endpoint", 404, P + "not-found", () -> bob.get("/v1/nothing-here")));
        cases.add(new Case("wrong method", 405, P + "method-not-allowed", () -> bob.delete("/v1/usage")));

        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : cases) {
            tests.add(DynamicTest.dynamicTest(c.name(), () -> {
                HttpResponse<byte[]> response = c.call().get();
                assertThat(response.statusCode()).as(c.name() + ": " + VlmHttp.text(response)).isEqualTo(c.status());
                assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                        type -> assertThat(type).startsWith("application/problem+json"));
                JsonNode problem = VlmHttp.json(response);
                assertThat(problem.get("type").asString()).isEqualTo(c.type());
                assertThat(problem.get("status").asInt()).isEqualTo(c.status());
                assertThat(problem.get("detail").asString()).isNotBlank().doesNotContain(BOB_KEY)
                        .doesNotContain("dev.craft", "org.springframework", "Exception");
                if (c.status() == 401) {
                    assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer");
                }
            }));
        }
        tests.add(DynamicTest.dynamicTest("nothing was charged and nothing half-stored", () -> {
            assertThat(usage(bob)).isEqualTo(usageBefore);
            try (Stream<Path> files = Files.list(dataDir.resolve("datasets"))) {
                assertThat(files.map(f -> f.getFileName().toString()).toList()).containsExactly(datasetId + ".features");
            }
            assertThat(VlmHttp.json(bob.get("/v1/datasets")).size()).isEqualTo(1);
            assertThat(VlmHttp.text(new VlmHttp(port, null).get("/actuator/health"))).contains("\"UP\"");
        }));
        tests.add(DynamicTest.dynamicTest("a corrupt image is named in the error", () -> {
            HttpResponse<byte[]> response = upload(bob, "holiday-042.jpg", new byte[] {1, 2, 3});
            assertThat(VlmHttp.json(response).get("detail").asString()).contains("holiday-042.jpg");
        }));
        assertThat(cases).hasSizeGreaterThanOrEqualTo(45);
        return tests.stream();
    }

    private static HttpResponse<byte[]> predict(VlmHttp http, String datasetId, String classSetId, float[][] prompts,
                                                int[] indices) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("datasetId", datasetId, "classSetId", classSetId,
                "prompts", prompts));
        if (indices != null) {
            body.put("indices", indices);
        }
        return http.postJson("/v1/predict", body);
    }

    private static HttpResponse<byte[]> binary(VlmHttp http, byte[] body) {
        return http.send(http.request("/v1/predict").header("Content-Type", CraftMediaTypes.PREDICT_FRAME)
                .header("Accept", CraftMediaTypes.TENSOR).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    private static HttpResponse<byte[]> upload(VlmHttp http, String name, byte[] bytes) {
        return http.postMultipart("/v1/datasets", new Multipart().file("images", name, "application/octet-stream", bytes));
    }

    private static byte[] frame(String header, Tensor prompts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new PredictFrame(header, prompts).write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static float[][] repeat(float[] row, int times) {
        float[][] rows = new float[times][];
        Arrays.fill(rows, row);
        return rows;
    }

    private static List<String> numbered(int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add("class " + i);
        }
        return Collections.unmodifiableList(names);
    }

    private static byte[] manyPngs(int count, byte[] png) {
        Object[] entries = new Object[2 * count];
        for (int i = 0; i < count; i++) {
            entries[2 * i] = "img-" + i + ".png";
            entries[2 * i + 1] = png;
        }
        return BadFiles.zip(entries);
    }
}
