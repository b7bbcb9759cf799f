package dev.craft.service.e2e;

import dev.craft.api.CraftMediaTypes;
import dev.craft.api.ProblemTypes;
import dev.craft.service.testsupport.ServiceFixture;
import dev.craft.service.testsupport.VlmHttp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import static dev.craft.service.testsupport.ServiceFixture.createClassSet;
import static dev.craft.service.testsupport.ServiceFixture.prompts;
import static dev.craft.service.testsupport.ServiceFixture.uploadGenerated;
import static dev.craft.service.testsupport.ServiceFixture.usage;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that does not read its answer keeps the answer's native memory; the answer memory bounds what
 * such answers hold together. Here it fits one 15.6 MiB answer: while a slow client holds it, a predict that
 * does not fit is refused with 503 and Retry-After and not charged; once the answer is read, the memory is
 * back and the same predict is answered.
 */
@TestPropertySource(properties = {"vlm.compute.answer-memory-mb=16", "vlm.limits.max-logits-per-request=4194304"})
class AnswerMemoryTest extends ServiceTestBase {

    private static final int SIDE = 160;
    private static final long ANSWER_BYTES = 4L * SIDE * SIDE * SIDE;
    private static final Pattern GAUGE = Pattern.compile("^vlm_compute_answer_memory_bytes(?:\\{[^}]*})? (\\S+)$",
            Pattern.MULTILINE);

    @Test
    void anUnreadAnswerHoldsItsMemoryAndAPredictThatDoesNotFitIsRefused() throws Exception {
        VlmHttp bob = bob();
        String datasetId = uploadGenerated(bob, SIDE, 4100);
        String classSetId = createClassSet(bob, IntStream.range(0, SIDE).mapToObj(i -> "class " + i).toList())
                .get("classSetId").asString();
        float[][] small = prompts(10, 4 * 32, 5, 0.2f);
        long before = usage(bob);

        try (Socket slowClient = new Socket()) {
            slowClient.setReceiveBufferSize(4096);
            slowClient.connect(new InetSocketAddress("127.0.0.1", port));
            byte[] body = ServiceFixture.predictFrame(datasetId, classSetId, prompts(SIDE, 4 * 32, 3, 0.2f));
            OutputStream out = slowClient.getOutputStream();
            out.write(("POST /v1/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + BOB_KEY
                    + "\r\nContent-Type: " + CraftMediaTypes.PREDICT_FRAME + "\r\nAccept: " + CraftMediaTypes.TENSOR
                    + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = slowClient.getInputStream();
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 200");
            assertThat(answerMemory()).isEqualTo(ANSWER_BYTES);

            HttpResponse<byte[]> refused = ServiceFixture.predictBinary(bob, datasetId, classSetId, small, null);
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(VlmHttp.json(refused).get("type").asString()).isEqualTo(ProblemTypes.OVERLOADED);
            assertThat(VlmHttp.json(refused).get("detail").asString()).contains("answer memory");
            assertThat(usage(bob) - before).as("only the held answer is charged").isEqualTo(SIDE);

            long answerRead = in.transferTo(OutputStream.nullOutputStream());
            assertThat(answerRead).isGreaterThanOrEqualTo(ANSWER_BYTES);
        }

        long released = answerMemory();
        for (int i = 0; i < 100 && released != 0; i++) {
            Thread.sleep(50);
            released = answerMemory();
        }
        assertThat(released).as("answer memory after the answer was read").isZero();
        HttpResponse<byte[]> answered = ServiceFixture.predictBinary(bob, datasetId, classSetId, small, null);
        assertThat(answered.statusCode()).isEqualTo(200);
        assertThat(ServiceFixture.tensor(answered).shape()).containsExactly(10, SIDE, SIDE);
        assertThat(answerMemory()).as("released at the end of every request").isZero();
    }

    private long answerMemory() {
        Matcher m = GAUGE.matcher(prometheus());
        assertThat(m.find()).as("vlm_compute_answer_memory_bytes is exported").isTrue();
        return (long) Double.parseDouble(m.group(1));
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        while (last4 != 0x0d0a0d0a) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            last4 = (last4 << 8) | b;
        }
        return head.toString(StandardCharsets.US_ASCII);
    }
}
