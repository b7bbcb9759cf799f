package dev.craft.service.bench;

import dev.craft.api.ApiHeaders;
import dev.craft.api.CraftMediaTypes;
import dev.craft.api.LogitsResponse;
import dev.craft.api.PredictFrame;
import dev.craft.api.PredictRequest;
import dev.craft.api.Tensor;
import dev.craft.api.TensorCodec;
import dev.craft.service.testsupport.Multipart;
import dev.craft.service.testsupport.TestImages;
import dev.craft.service.testsupport.VlmHttp;
import tools.jackson.databind.JsonNode;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The client side of the benchmark, doing what craft's VlmClient does: one HTTP/1.1 client, the
 * prompts as a binary frame, the logits read from the response stream into a float array (or the
 * same predict as JSON both ways). Also uploads the generated datasets and creates the class sets.
 */
final class PredictCalls {

    private static final Duration TIMEOUT = Duration.ofMinutes(30);

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;

    PredictCalls(VlmHttp http) {
        this.base = http.request("/").build().uri().toString().replaceAll("/$", "");
    }

    /** Uploads {@code count} generated images (small PNGs, distinct seeds) as one dataset; returns its id. */
    String uploadDataset(int count, int seed) {
        Multipart multipart = new Multipart();
        for (int i = 0; i < count; i++) {
            multipart.file("images", "img-" + i + ".png", "image/png", TestImages.png(seed + i, 40, 40));
        }
        HttpResponse<byte[]> response = send(request("/v1/datasets").header("Content-Type", multipart.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(multipart.bytes())).build());
        return VlmHttp.json(ok(response, 201)).get("datasetId").asString();
    }

    /** The images {@link #uploadDataset} sends, for encoding them in-process. */
    static List<byte[]> datasetImages(int count, int seed) {
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            images.add(TestImages.png(seed + i, 40, 40));
        }
        return images;
    }

    String createClassSet(List<String> names) {
        return classSet(names).id();
    }

    /** Creates a class set with the default template; its id and the floats of one prompt offset (L x d). */
    ClassSet classSet(List<String> names) {
        String body = VlmHttp.JSON.writeValueAsString(Map.of("classNames", names));
        HttpResponse<byte[]> response = send(request("/v1/classsets").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        JsonNode created = VlmHttp.json(ok(response, 201));
        return new ClassSet(created.get("classSetId").asString(),
                created.get("contextTokens").asInt() * created.get("tokenDim").asInt());
    }

    /** One binary predict; the logits as the client holds them, plus the bytes on the wire. */
    Answer binary(String datasetId, String classSetId, float[] prompts, int count, int promptSize) {
        String header = VlmHttp.JSON.writeValueAsString(new PredictRequest(datasetId, classSetId, null, null));
        ByteArrayOutputStream frame = new ByteArrayOutputStream(
                16 + header.length() * 3 + (int) TensorCodec.encodedBytes(new int[] {count, promptSize}));
        try {
            new PredictFrame(header, new Tensor(new int[] {count, promptSize}, prompts)).write(frame);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] body = frame.toByteArray();
        HttpRequest request = metered().header("Content-Type", CraftMediaTypes.PREDICT_FRAME)
                .header("Accept", CraftMediaTypes.TENSOR)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return receive(request, body.length, in -> TensorCodec.read(new BufferedInputStream(in, 1 << 16), 1L << 31));
    }

    /** The same predict with JSON both ways. */
    Answer json(String datasetId, String classSetId, float[] prompts, int count, int promptSize) {
        float[][] rows = new float[count][];
        for (int i = 0; i < count; i++) {
            rows[i] = Arrays.copyOfRange(prompts, i * promptSize, (i + 1) * promptSize);
        }
        byte[] body = VlmHttp.JSON.writeValueAsBytes(new PredictRequest(datasetId, classSetId, rows, null));
        HttpRequest request = metered().header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return receive(request, body.length, in -> VlmHttp.JSON.readValue(in, LogitsResponse.class).toTensor());
    }

    private Answer receive(HttpRequest request, long sent, Reader reader) {
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (Counting in = new Counting(response.body())) {
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("predict answered " + response.statusCode() + ": "
                            + new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
                }
                Tensor logits = reader.read(in);
                return new Answer(logits, sent + in.count);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + ServiceProcess.API_KEY);
    }

    /** A metered call carries a fresh idempotency key, as craft's client sends with every predict. */
    private HttpRequest.Builder metered() {
        return request("/v1/predict").header(ApiHeaders.IDEMPOTENCY_KEY, UUID.randomUUID().toString());
    }

    private HttpResponse<byte[]> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<byte[]> ok(HttpResponse<byte[]> response, int status) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(response.uri().getPath() + " answered " + response.statusCode() + ": "
                    + VlmHttp.text(response));
        }
        return response;
    }

    record ClassSet(String id, int promptSize) {
    }

    /** The logits a predict returned and the request plus response body bytes. */
    record Answer(Tensor logits, long wireBytes) {
    }

    private interface Reader {
        Tensor read(InputStream in) throws IOException;
    }

    private static final class Counting extends FilterInputStream {

        private long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
