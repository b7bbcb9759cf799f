package dev.craft.service.e2e;

import dev.craft.api.ApiHeaders;
import dev.craft.api.Tensor;
import dev.craft.service.model.DualEncoderModel;
import dev.craft.service.testsupport.Multipart;
import dev.craft.service.testsupport.Prometheus;
import dev.craft.service.testsupport.SharedAssets;
import dev.craft.service.testsupport.TestImages;
import dev.craft.service.testsupport.VlmHttp;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.craft.service.testsupport.ServiceFixture.createClassSet;
import static dev.craft.service.testsupport.ServiceFixture.logits;
import static dev.craft.service.testsupport.ServiceFixture.predictBinary;
import static dev.craft.service.testsupport.ServiceFixture.predictJson;
import static dev.craft.service.testsupport.ServiceFixture.prompts;
import static dev.craft.service.testsupport.ServiceFixture.tensor;
import static dev.craft.service.testsupport.ServiceFixture.uploadGenerated;
import static dev.craft.service.testsupport.ServiceFixture.usage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Upload, class set, predict (JSON and binary), classify and metering over real HTTP. */
class PredictEndToEndTest extends ServiceTestBase {

    @Autowired
    DualEncoderModel model;

    @Test
    void modelInfoTellsShapesButNoWeights() {
        HttpResponse<byte[]> response = alice().get("/v1/model");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode model = VlmHttp.json(response);
        assertThat(model.get("device").asString()).isEqualTo("cpu");
        assertThat(model.get("modelId").asString()).isEqualTo("tiny-clip-random-v1");
        assertThat(model.get("name").asString()).isEqualTo("tiny-clip-random");
        assertThat(model.get("source").asString()).isEqualTo("embedded");
        assertThat(model.get("vocabulary").asString()).isEqualTo("open");
        assertThat(model.get("description").asString()).contains("meaningless");
        assertThat(model.get("tokenWidth").asInt()).isEqualTo(32);
        assertThat(model.get("contextLength").asInt()).isEqualTo(77);
        assertThat(model.get("tokenEmbeddingStd").asDouble()).isGreaterThan(0);
        List<String> fields = new java.util.ArrayList<>();
        model.propertyNames().forEach(fields::add);
        assertThat(fields).containsExactlyInAnyOrder("modelId", "name", "source", "description", "architecture", "vocabulary",
                "tokenWidth", "contextLength", "maxContextTokens", "hasLogitScale", "logitScale", "tokenEmbeddingStd",
                "imageSize", "device");
        model.forEach(value -> assertThat(value.isArray()).as("no arrays (weights, features) in model info").isFalse());
    }

    @Test
    void predictChargesOneQueryPerPromptAndAllCountersAgree() {
        VlmHttp alice = alice();
        String datasetId = uploadGenerated(alice, 12, 100);
        JsonNode classSet = createClassSet(alice, List.of("cat", "dog", "bird"));
        String classSetId = classSet.get("classSetId").asString();
        assertThat(classSet.get("contextTokens").asInt()).isEqualTo(4);
        assertThat(classSet.get("tokenDim").asInt()).isEqualTo(32);
        long usageBefore = usage(alice);
        double prometheusBefore = Prometheus.sample(prometheus(), "vlm_queries_total", "tenant=\"alice\"",
                "endpoint=\"predict\"");

        float[][] prompts = prompts(3, 4 * 32, 7, 0.5f);
        HttpResponse<byte[]> json = predictJson(alice, datasetId, classSetId, prompts);
        assertThat(json.statusCode()).as(VlmHttp.text(json)).isEqualTo(200);
        assertThat(json.headers().firstValue("X-Craft-Queries-Charged")).contains("3");
        assertThat(json.headers().firstValue("X-Craft-Queries-Used")).contains(Long.toString(usageBefore + 3));
        JsonNode body = VlmHttp.json(json);
        assertThat(body.get("shape").toString()).isEqualTo("[3,12,3]");
        float[] jsonLogits = logits(json);
        assertThat(jsonLogits).hasSize(3 * 12 * 3);

        // The zero offset is the plain template; a non-zero offset must change the answer.
        double change = 0;
        for (int i = 0; i < 36; i++) {
            change = Math.max(change, Math.abs(jsonLogits[i] - jsonLogits[36 + i]));
        }
        assertThat(change).isGreaterThan(0.01);

        HttpResponse<byte[]> binary = predictBinary(alice, datasetId, classSetId, prompts, null);
        assertThat(binary.statusCode()).isEqualTo(200);
        assertThat(binary.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/x-craft-tensor"));
        Tensor tensor = tensor(binary);
        assertThat(tensor.shape()).containsExactly(3, 12, 3);
        // The same float values both ways: JSON writes each float so that it parses back exactly.
        assertThat(tensor.data()).containsExactly(jsonLogits);

        HttpResponse<byte[]> subset = alice.postJson("/v1/predict", Map.of("datasetId", datasetId,
                "classSetId", classSetId, "prompts", new float[][] {prompts[1]}, "indices", new int[] {5, 0}));
        assertThat(subset.statusCode()).isEqualTo(200);
        float[] subsetLogits = logits(subset);
        for (int k = 0; k < 3; k++) {
            assertThat(subsetLogits[k]).isCloseTo(jsonLogits[36 + 5 * 3 + k], within(1e-4f));
            assertThat(subsetLogits[3 + k]).isCloseTo(jsonLogits[36 + k], within(1e-4f));
        }

        long charged = 3 + 3 + 1;
        assertThat(usage(alice)).isEqualTo(usageBefore + charged);
        double prometheusAfter = Prometheus.sample(prometheus(), "vlm_queries_total", "tenant=\"alice\"",
                "endpoint=\"predict\"");
        assertThat(prometheusAfter - prometheusBefore).isEqualTo((double) charged);
    }

    @Test
    void idempotentRetryIsAnsweredIdenticallyAndChargedOnce() {
        VlmHttp alice = alice();
        String datasetId = uploadGenerated(alice, 4, 300);
        String classSetId = createClassSet(alice, List.of("red", "green")).get("classSetId").asString();
        float[][] prompts = prompts(2, 4 * 32, 11, 0.3f);
        long before = usage(alice);

        HttpResponse<byte[]> first = predictBinary(alice, datasetId, classSetId, prompts, "retry-42");
        HttpResponse<byte[]> retry = predictBinary(alice, datasetId, classSetId, prompts, "retry-42");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(first.headers().firstValue("X-Craft-Queries-Charged")).contains("2");
        assertThat(retry.headers().firstValue("X-Craft-Queries-Charged")).contains("0");
        assertThat(retry.headers().firstValue("X-Craft-Idempotent-Replay")).contains("true");
        assertThat(usage(alice)).isEqualTo(before + 2);

        HttpResponse<byte[]> reused = predictBinary(alice, datasetId, classSetId, prompts(2, 4 * 32, 12, 0.3f), "retry-42");
        assertThat(reused.statusCode()).isEqualTo(422);
        assertThat(VlmHttp.json(reused).get("type").asString()).isEqualTo("urn:craft:problem:idempotency-key-reused");
        assertThat(usage(alice)).isEqualTo(before + 2);
    }

    @Test
    void classifyInlineImagesMatchesPredictOnTheSameImagesAndCostsOneQuery() {
        VlmHttp alice = alice();
        byte[] first = TestImages.png(900, 64, 48);
        byte[] second = TestImages.jpeg(901, 50, 70);
        HttpResponse<byte[]> upload = alice.postMultipart("/v1/datasets", new Multipart()
                .file("images", "a.png", "image/png", first).file("images", "b.jpg", "image/jpeg", second));
        String datasetId = VlmHttp.json(upload).get("datasetId").asString();
        String classSetId = createClassSet(alice, List.of("stripes", "dots", "plain")).get("classSetId").asString();
        float[][] prompt = prompts(2, 4 * 32, 5, 0.4f);
        float[] viaPredict = logits(predictJson(alice, datasetId, classSetId, new float[][] {prompt[1]}));
        long before = usage(alice);

        HttpResponse<byte[]> classify = alice.postMultipart("/v1/classify", new Multipart()
                .field("classSetId", classSetId)
                .file("images", "a.png", "image/png", first)
                .file("images", "b.jpg", "image/jpeg", second)
                .file("prompt", "prompt.json", "application/json", VlmHttp.JSON.writeValueAsBytes(prompt[1])));
        assertThat(classify.statusCode()).as(VlmHttp.text(classify)).isEqualTo(200);
        assertThat(VlmHttp.json(classify).get("shape").toString()).isEqualTo("[2,3]");
        float[] viaClassify = logits(classify);
        for (int i = 0; i < viaPredict.length; i++) {
            assertThat(viaClassify[i]).isCloseTo(viaPredict[i], within(1e-4f));
        }
        assertThat(usage(alice)).isEqualTo(before + 1);

        // The prompt may also come as a plain form field.
        HttpResponse<byte[]> asField = alice.postMultipart("/v1/classify", new Multipart()
                .field("classSetId", classSetId)
                .field("prompt", VlmHttp.JSON.writeValueAsString(prompt[1]))
                .file("images", "a.png", "image/png", first));
        assertThat(asField.statusCode()).as(VlmHttp.text(asField)).isEqualTo(200);
        float[] fieldLogits = logits(asField);
        for (int i = 0; i < fieldLogits.length; i++) {
            assertThat(fieldLogits[i]).isCloseTo(viaPredict[i], within(1e-4f));
        }
    }

    @Test
    void realDtdImagesUploadInOrderAndPredict() throws IOException {
        Path banded = SharedAssets.require("assets/datasets/dtd10/images/banded");
        Path bubbly = SharedAssets.require("assets/datasets/dtd10/images/bubbly");
        Multipart multipart = new Multipart();
        List<Path> files;
        try (Stream<Path> a = Files.list(banded).sorted().limit(5); Stream<Path> b = Files.list(bubbly).sorted().limit(5)) {
            files = Stream.concat(a, b).toList();
        }
        for (Path file : files) {
            multipart.file("images", file.getFileName().toString(), "image/jpeg", Files.readAllBytes(file));
        }
        VlmHttp alice = alice();
        HttpResponse<byte[]> upload = alice.postMultipart("/v1/datasets", multipart);
        assertThat(upload.statusCode()).as(VlmHttp.text(upload)).isEqualTo(201);
        JsonNode dataset = VlmHttp.json(upload);
        assertThat(dataset.get("size").asInt()).isEqualTo(10);
        assertThat(dataset.get("fileNames").get(0).asString()).isEqualTo(files.get(0).getFileName().toString());
        assertThat(dataset.get("fileNames").get(9).asString()).isEqualTo(files.get(9).getFileName().toString());
        String classSetId = createClassSet(alice, List.of("banded", "bubbly")).get("classSetId").asString();
        HttpResponse<byte[]> predict = predictJson(alice, dataset.get("datasetId").asString(), classSetId,
                prompts(1, 4 * 32, 1, 0));
        assertThat(predict.statusCode()).isEqualTo(200);
        for (float v : logits(predict)) {
            assertThat(v).isBetween(-100f, 100f);
        }
    }

    @Test
    void datasetsCanBeListedAndDeleted() {
        VlmHttp alice = alice();
        String datasetId = uploadGenerated(alice, 2, 500);
        assertThat(VlmHttp.text(alice.get("/v1/datasets"))).contains(datasetId);
        assertThat(alice.delete("/v1/datasets/" + datasetId).statusCode()).isEqualTo(204);
        assertThat(alice.get("/v1/datasets/" + datasetId).statusCode()).isEqualTo(404);
        assertThat(VlmHttp.text(alice.get("/v1/datasets"))).doesNotContain(datasetId);
    }

    @Test
    void anUploadOfMoreThanAThousandImagesIsOneDataset() {
        // Tomcat counts multipart parts as request parameters too; its default of 1000 used to refuse this with 413.
        int count = 1_200;
        Multipart multipart = new Multipart();
        for (int i = 0; i < count; i++) {
            multipart.file("images", "many-" + i + ".png", "image/png", TestImages.png(10_000 + i, 12, 12));
        }
        HttpResponse<byte[]> response = alice().postMultipart("/v1/datasets", multipart);
        assertThat(response.statusCode()).as(VlmHttp.text(response)).isEqualTo(201);
        JsonNode body = VlmHttp.json(response);
        assertThat(body.get("size").asInt()).isEqualTo(count);
        assertThat(body.get("fileNames").get(count - 1).asString()).isEqualTo("many-" + (count - 1) + ".png");
    }

    @Test
    void everyAnswerReleasesItsNativeLogits() throws InterruptedException {
        VlmHttp alice = alice();
        String datasetId = uploadGenerated(alice, 6, 700);
        String classSetId = createClassSet(alice, List.of("cat", "dog", "bird")).get("classSetId").asString();
        float[][] offsets = prompts(3, promptSize(alice, classSetId), 9, 0.1f);
        assertThat(predictBinary(alice, datasetId, classSetId, offsets, "release-1").statusCode()).isEqualTo(200);
        assertThat(predictBinary(alice, datasetId, classSetId, offsets, "release-1").headers()
                .firstValue(ApiHeaders.IDEMPOTENT_REPLAY)).contains("true");
        assertThat(predictJson(alice, datasetId, classSetId, offsets).statusCode()).isEqualTo(200);
        Multipart classify = new Multipart().field("classSetId", classSetId)
                .file("images", "a.png", "image/png", TestImages.png(701, 30, 30));
        assertThat(alice.postMultipart("/v1/classify", classify).statusCode()).isEqualTo(200);
        // The logits are released when each request completes, which may be just after the client has the answer.
        long deadline = System.currentTimeMillis() + 10_000;
        while (model.arraysInUse() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(model.arraysInUse()).isZero();
    }

    private static int promptSize(VlmHttp http, String classSetId) {
        JsonNode classSet = VlmHttp.json(http.get("/v1/classsets/" + classSetId));
        return classSet.get("contextTokens").asInt() * classSet.get("tokenDim").asInt();
    }
}
