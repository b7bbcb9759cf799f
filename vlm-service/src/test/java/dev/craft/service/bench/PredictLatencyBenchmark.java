package dev.craft.service.bench;

import ai.djl.ndarray.NDManager;
import dev.craft.service.VlmServiceApplication;
import dev.craft.service.auth.Tenant;
import dev.craft.service.classset.ClassPrompts;
import dev.craft.service.classset.ClassSetService;
import dev.craft.service.model.DualEncoderModel;
import dev.craft.service.predict.LogitsComputer;
import dev.craft.service.testsupport.ServiceFixture;
import dev.craft.service.testsupport.VlmHttp;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Measures one predict of P prompts x K classes x N images on the embedded bundle: the HTTP round
 * trip (binary), the in-process computation, and the text encoder alone, side by side in one run.
 * Run: {@code mvn -pl vlm-service -am test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.craft.service.bench.PredictLatencyBenchmark} (see docs/benchmarks-service.md).
 */
public final class PredictLatencyBenchmark {

    private static final int PROMPTS = 40;
    private static final int CLASSES = 10;
    private static final int IMAGES = 160;
    private static final int REPEATS = 20;

    public static void main(String[] args) throws Exception {
        Path dataDir = Files.createTempDirectory("vlm-bench");
        String key = "bench-key-0001";
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(VlmServiceApplication.class)
                .run("--server.port=0", "--server.address=127.0.0.1", "--vlm.data-dir=" + dataDir,
                        "--vlm.model.bundle=tiny", "--vlm.api-keys=bench:" + key + ":100000000", "--logging.level.root=WARN")) {
            int port = ((WebServerApplicationContext) context).getWebServer().getPort();
            VlmHttp http = new VlmHttp(port, key);
            String datasetId = ServiceFixture.uploadGenerated(http, IMAGES, 1);
            List<String> names = new ArrayList<>();
            for (int i = 0; i < CLASSES; i++) {
                names.add("class number " + i);
            }
            String classSetId = ServiceFixture.createClassSet(http, names).get("classSetId").asString();
            DualEncoderModel model = context.getBean(DualEncoderModel.class);
            int promptSize = 4 * model.tokenWidth();
            float[][] prompts = ServiceFixture.prompts(PROMPTS, promptSize, 3, 0.3f);

            io.micrometer.core.instrument.Timer server = context.getBean(io.micrometer.core.instrument.MeterRegistry.class)
                    .find("vlm.predict.duration").tag("endpoint", "predict").timer();
            double serverBefore = server == null ? 0 : server.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS);
            long countBefore = server == null ? 0 : server.count();
            double[] http_ms = time(() -> ServiceFixture.predictBinary(http, datasetId, classSetId, prompts, null));
            server = context.getBean(io.micrometer.core.instrument.MeterRegistry.class)
                    .find("vlm.predict.duration").tag("endpoint", "predict").timer();
            double serverMean = (server.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS) - serverBefore)
                    / (server.count() - countBefore);

            ClassPrompts classes = context.getBean(ClassSetService.class).prompts(new Tenant("bench", 0), classSetId);
            LogitsComputer computer = context.getBean(LogitsComputer.class);
            float[] flat = new float[PROMPTS * promptSize];
            for (int p = 0; p < PROMPTS; p++) {
                System.arraycopy(prompts[p], 0, flat, p * promptSize, promptSize);
            }
            float[] images = new float[IMAGES * model.embedDim()];
            Arrays.fill(images, 1f / (float) Math.sqrt(model.embedDim()));
            double[] compute_ms = time(() -> computer.logits(images, IMAGES, classes, flat, PROMPTS));
            double[] text_ms = time(() -> {
                try (NDManager manager = model.newManager()) {
                    return computer.textFeatures(manager, classes, flat, PROMPTS);
                }
            });

            System.out.printf("%nPredict of %d prompts x %d classes x %d images, model %s, %d repeats (median, p90 ms)%n",
                    PROMPTS, CLASSES, IMAGES, model.manifest().modelId(), REPEATS);
            row("HTTP round trip (binary)", http_ms);
            row("in-process logits", compute_ms);
            row("text encoder alone", text_ms);
            System.out.printf("  %-28s %8.1f (mean, vlm.predict.duration: metering + computation)%n", "server-side predict", serverMean);
            System.out.printf("text encoder share of the round trip: %.0f%%%n", 100 * median(text_ms) / median(http_ms));
        }
    }

    interface Work {
        Object run() throws Exception;
    }

    private static double[] time(Work work) throws Exception {
        for (int i = 0; i < 3; i++) {
            work.run();
        }
        double[] ms = new double[REPEATS];
        for (int i = 0; i < REPEATS; i++) {
            long start = System.nanoTime();
            work.run();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        return ms;
    }

    private static double median(double[] sorted) {
        return sorted[sorted.length / 2];
    }

    private static void row(String what, double[] sorted) {
        System.out.printf("  %-28s %8.1f %8.1f%n", what, median(sorted), sorted[(int) (sorted.length * 0.9)]);
    }
}
