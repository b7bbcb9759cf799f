package dev.craft.client.tune;

import dev.craft.api.ClassSetInfo;
import dev.craft.client.service.VlmClient;
import dev.craft.client.service.VlmClientConfig;
import dev.craft.client.testsupport.ServiceProcess;
import dev.craft.client.testsupport.TinyDataset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A step's prompts sent to the real service (embedded tiny bundle) in parts: the same logits as one request, each
 * prompt charged exactly once, a repeated step replayed free of charge, and a step cut off half-way and resumed
 * charged only for the parts that were not answered.
 */
class ServiceBlackBoxTest {

    private static final String KEY = "parts-key-0001";
    private static final int PROMPTS = 7;

    @TempDir
    static Path work;

    private static ServiceProcess service;
    private static VlmClient client;
    private static ClassSetInfo classSet;
    private static String datasetId;
    private static float[] prompts;

    @BeforeAll
    static void start() throws Exception {
        service = ServiceProcess.start(ServiceProcess.TINY, work.resolve("service-data"), "parts:" + KEY + ":100000");
        client = new VlmClient(VlmClientConfig.of(service.url(), KEY));
        Path dataset = TinyDataset.create(work.resolve("dataset"), 2, 2, 0);
        datasetId = client.upload(images(dataset.resolve("train"))).datasetId();
        classSet = client.createClassSet(List.of("cat", "dog", "bird", "fish", "horse"), null);
        Random random = new Random(7);
        prompts = new float[PROMPTS * promptSize()];
        for (int i = 0; i < prompts.length; i++) {
            prompts[i] = (float) random.nextGaussian() * 0.1f;
        }
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void aStepInPartsAnswersTheSameLogitsAsOneRequestAndChargesEachPromptOnce() {
        RequestStats wholeStats = new RequestStats();
        BlackBox.Answer whole = blackBox(wholeStats, QueryMode.BATCHED, PROMPTS).predict(datasetId, prompts, PROMPTS, "whole");
        RequestStats partStats = new RequestStats();
        BlackBox parts = blackBox(partStats, QueryMode.BATCHED, 3);
        long before = client.usage().queries();

        BlackBox.Answer split = parts.predict(datasetId, prompts, PROMPTS, "split");

        assertThat(wholeStats.requests()).isEqualTo(1);
        assertThat(partStats.requests()).as("requests of 3, 3 and 1 prompts").isEqualTo(3);
        assertThat(partStats.prompts()).isEqualTo(PROMPTS);
        assertThat(split.charged()).isEqualTo(PROMPTS);
        assertThat(client.usage().queries() - before).as("the service's ledger").isEqualTo(PROMPTS);
        assertSameLogits(split.logits(), whole.logits());

        BlackBox.Answer again = parts.predict(datasetId, prompts, PROMPTS, "split");
        assertThat(again.charged()).as("a repeated step is a replay").isZero();
        assertThat(client.usage().queries() - before).isEqualTo(PROMPTS);
        assertThat(again.logits()).containsExactly(split.logits());
    }

    @Test
    void aStepCutOffAfterItsFirstPartIsChargedOnlyForTheRestWhenResumed() {
        float[] firstPart = Arrays.copyOf(prompts, 3 * promptSize());
        client.predict(datasetId, classSet.classSetId(), firstPart, 3, promptSize(), null, "resumed/p0-2");
        long before = client.usage().queries();

        BlackBox.Answer resumed = blackBox(new RequestStats(), QueryMode.BATCHED, 3)
                .predict(datasetId, prompts, PROMPTS, "resumed");

        assertThat(client.usage().queries() - before).as("the ledger: the 4 prompts not answered before").isEqualTo(4);
        assertThat(resumed.charged()).as("the step, reported charged in full").isEqualTo(PROMPTS);
    }

    @Test
    void onePromptPerJsonRequestAnswersTheSameLogits() {
        BlackBox.Answer whole = blackBox(new RequestStats(), QueryMode.BATCHED, PROMPTS).predict(datasetId, prompts, PROMPTS, "json-whole");
        RequestStats stats = new RequestStats();
        BlackBox.Answer perPrompt = new ServiceBlackBox(client, classSet.classSetId(), promptSize(), 5, stats,
                QueryMode.PER_PROMPT_JSON).predict(datasetId, prompts, PROMPTS, "json");

        assertThat(stats.requests()).isEqualTo(PROMPTS);
        assertThat(perPrompt.charged()).isEqualTo(PROMPTS);
        assertSameLogits(perPrompt.logits(), whole.logits());
    }

    @Test
    void theBatchedModeSizesItsPartsByPromptsTimesClasses() {
        RequestStats few = new RequestStats();
        new ServiceBlackBox(client, classSet.classSetId(), promptSize(), 5, few, QueryMode.BATCHED)
                .predict(datasetId, prompts, PROMPTS, "sized-5");
        assertThat(few.requests()).as("7 prompts x 5 classes in one request").isEqualTo(1);

        // The parts depend only on the class count the black box is given: 4096 / 1500 = 2 prompts per request.
        RequestStats many = new RequestStats();
        new ServiceBlackBox(client, classSet.classSetId(), promptSize(), 1500, many, QueryMode.BATCHED)
                .predict(datasetId, prompts, PROMPTS, "sized-1500");
        assertThat(many.requests()).as("7 prompts, 2 per request").isEqualTo(4);
    }

    private static ServiceBlackBox blackBox(RequestStats stats, QueryMode mode, int promptsPerRequest) {
        return new ServiceBlackBox(client, classSet.classSetId(), promptSize(), stats, mode, promptsPerRequest);
    }

    private static int promptSize() {
        return classSet.contextTokens() * classSet.tokenDim();
    }

    /** A prompt's logits may differ in the last float bits with the batch it was encoded in. */
    private static void assertSameLogits(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("logit %d", i).isCloseTo(expected[i], within(1e-4f * Math.max(1, Math.abs(expected[i]))));
        }
    }

    private static List<Path> images(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
