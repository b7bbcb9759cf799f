package dev.craft.service.testsupport;

import dev.craft.api.CraftMediaTypes;
import dev.craft.api.PredictFrame;
import dev.craft.api.Tensor;
import dev.craft.api.TensorCodec;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Steps the end-to-end tests share: upload, class set, predict over real HTTP. */
public final class ServiceFixture {

    private ServiceFixture() {
    }

    public static String uploadGenerated(VlmHttp http, int count, int firstSeed) {
        Multipart multipart = new Multipart();
        for (int i = 0; i < count; i++) {
            boolean png = i % 2 == 0;
            multipart.file("images", "gen-" + (firstSeed + i) + (png ? ".png" : ".jpg"), png ? "image/png" : "image/jpeg",
                    png ? TestImages.png(firstSeed + i, 48 + i, 40) : TestImages.jpeg(firstSeed + i, 40, 56));
        }
        HttpResponse<byte[]> response = http.postMultipart("/v1/datasets", multipart);
        assertThat(response.statusCode()).as(VlmHttp.text(response)).isEqualTo(201);
        JsonNode body = VlmHttp.json(response);
        assertThat(body.get("size").asInt()).isEqualTo(count);
        return body.get("datasetId").asString();
    }

    public static JsonNode createClassSet(VlmHttp http, List<String> names) {
        HttpResponse<byte[]> response = http.postJson("/v1/classsets", Map.of("classNames", names));
        assertThat(response.statusCode()).as(VlmHttp.text(response)).isEqualTo(201);
        return VlmHttp.json(response);
    }

    public static float[][] prompts(int count, int size, long seed, float scale) {
        Random random = new Random(seed);
        float[][] prompts = new float[count][size];
        for (int p = 1; p < count; p++) {
            for (int j = 0; j < size; j++) {
                prompts[p][j] = (float) random.nextGaussian() * scale;
            }
        }
        return prompts;
    }

    public static HttpResponse<byte[]> predictJson(VlmHttp http, String datasetId, String classSetId, float[][] prompts) {
        return http.postJson("/v1/predict", Map.of("datasetId", datasetId, "classSetId", classSetId, "prompts", prompts));
    }

    public static HttpResponse<byte[]> predictBinary(VlmHttp http, String datasetId, String classSetId,
                                                     float[][] prompts, String idempotencyKey) {
        HttpRequest.Builder request = http.request("/v1/predict")
                .header("Content-Type", CraftMediaTypes.PREDICT_FRAME)
                .header("Accept", CraftMediaTypes.TENSOR)
                .POST(HttpRequest.BodyPublishers.ofByteArray(predictFrame(datasetId, classSetId, prompts)));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return http.send(request.build());
    }

    /** The body of a binary predict ({@value CraftMediaTypes#PREDICT_FRAME}). */
    public static byte[] predictFrame(String datasetId, String classSetId, float[][] prompts) {
        float[] flat = new float[prompts.length * prompts[0].length];
        for (int p = 0; p < prompts.length; p++) {
            System.arraycopy(prompts[p], 0, flat, p * prompts[0].length, prompts[0].length);
        }
        String header = VlmHttp.JSON.writeValueAsString(Map.of("datasetId", datasetId, "classSetId", classSetId));
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            new PredictFrame(header, new Tensor(new int[] {prompts.length, prompts[0].length}, flat)).write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return body.toByteArray();
    }

    public static Tensor tensor(HttpResponse<byte[]> response) {
        try {
            return TensorCodec.read(new ByteArrayInputStream(response.body()), Integer.MAX_VALUE - 8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static float[] logits(HttpResponse<byte[]> jsonResponse) {
        JsonNode values = VlmHttp.json(jsonResponse).get("logits");
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i).floatValue();
        }
        return out;
    }

    public static long usage(VlmHttp http) {
        return VlmHttp.json(http.get("/v1/usage")).get("queries").asLong();
    }
}
