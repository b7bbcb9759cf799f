package dev.craft.client.e2e;

import dev.craft.api.ClassSetInfo;
import dev.craft.api.ModelInfo;
import dev.craft.client.data.LabeledImage;
import dev.craft.client.service.VlmClient;
import dev.craft.client.service.VlmClientConfig;
import dev.craft.client.testsupport.CraftCache;
import dev.craft.client.testsupport.EvaluationSets;
import dev.craft.client.testsupport.EvaluationSets.EvaluationSet;
import dev.craft.client.testsupport.ServiceProcess;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The accuracy floors a built bundle's build_report.json documents hold when the bundle is served by the real
 * service jar (vlm.model.bundle=demo or bench): for every accuracy entry of method "zero-shot" or
 * "aligned-vocabulary" (not the linear probes, which need more than the service) whose test images are on this
 * machine, the test images are uploaded, the class names are sent with the service's default template
 * "a photo of a {}.", and one query with a zero prompt offset (as the build measured it) must be right at least
 * {@code floor} of the time. To keep the run short, at most {@value #PER_CLASS} test images per class are used (the
 * first in file-name order): 500 of the 1,000 exported MNIST and Fashion-MNIST test images; the DTD-10 CoOp test
 * split (360) and the ImageNet sample (1,000, one per class) stay whole, and on them the service's accuracy must
 * also be the build report's within {@value #SAME_AS_BUILD} (it was equal to the fourth decimal on every whole set).
 * Skipped for a bundle that is not built (CI builds both before mvn verify).
 */
class BuiltBundleFloorTest {

    static final int PER_CLASS = 50;
    /**
     * How far the service's accuracy on a whole set may be from the build's: a few borderline images may flip between
     * PyTorch and libtorch versions. Features that depend on the upload's batch (an engine fault, see ImageBatchCheck)
     * were 1.1 points off on DTD-10 and 8.8 on the ImageNet sample.
     */
    private static final double SAME_AS_BUILD = 0.005;
    /** Entries measured with the bundle's own predictions (template, zero offset); not e.g. a linear probe. */
    private static final Pattern SERVICE_METHODS = Pattern.compile("zero-shot|aligned-vocabulary");
    private static final String KEY = "floor-key-0001";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path work;

    @ParameterizedTest
    @ValueSource(strings = {"demo", "bench"})
    void zeroShotAccuracyIsAtLeastTheDocumentedFloor(String name) throws Exception {
        Path bundle = CraftCache.bundles().resolve(name);
        assumeTrue(Files.isRegularFile(bundle.resolve(".complete")), () -> "Skipped: bundle " + name
                + " is not built in " + CraftCache.bundles() + " (deploy/models/build_bundle.sh " + name + ")");
        JsonNode report = JSON.readTree(bundle.resolve("build_report.json").toFile());
        assertThat(report.get("accuracy")).as("accuracy entries in " + bundle + "/build_report.json").isNotEmpty();

        List<String> missing = new ArrayList<>();
        List<JsonNode> entries = new ArrayList<>();
        List<EvaluationSet> sets = new ArrayList<>();
        for (JsonNode entry : report.get("accuracy")) {
            String method = entry.path("method").asString("");
            if (!SERVICE_METHODS.matcher(method).lookingAt()) {
                missing.add(entry.get("dataset").asString() + ", " + method + ": not a prediction of the service alone");
                continue;
            }
            EvaluationSets.find(entry.get("dataset").asString(), PER_CLASS, missing).ifPresent(set -> {
                entries.add(entry);
                sets.add(set);
            });
        }
        missing.forEach(m -> System.out.println("floor test " + name + ": not evaluated: " + m));
        assumeTrue(!sets.isEmpty(), () -> "Skipped: no test images of " + name + "'s report on this machine: " + missing);

        SoftAssertions softly = new SoftAssertions();
        try (ServiceProcess service = ServiceProcess.start(name, work.resolve("service-data"),
                "floor:" + KEY + ":1000000", "--vlm.model.bundles-home=" + CraftCache.bundles())) {
            VlmClient client = new VlmClient(VlmClientConfig.of(service.url(), KEY));
            ModelInfo model = client.model();
            assertThat(model.name()).isEqualTo(name);
            assertThat(model.source()).isEqualTo(bundle.toString());
            for (int i = 0; i < sets.size(); i++) {
                JsonNode entry = entries.get(i);
                EvaluationSet set = sets.get(i);
                String dataset = entry.get("dataset").asString();
                long start = System.nanoTime();
                double accuracy = zeroShotAccuracy(client, model, set);
                double floor = entry.get("floor").asDouble();
                System.out.printf(Locale.ROOT, "floor test %s: %s: %d images, %d classes: accuracy %.4f, floor %.4f"
                                + " (build report: %.4f on %d images); %.1f s%n", name, dataset, set.images().size(),
                        set.classNames().size(), accuracy, floor, entry.get("accuracy").asDouble(),
                        entry.get("images").asInt(), (System.nanoTime() - start) / 1e9);
                softly.assertThat(set.classNames()).as(dataset + ": classes").hasSize(entry.get("classes").asInt());
                softly.assertThat(accuracy).as(dataset + " (" + set.source() + "): zero-shot accuracy of " + name)
                        .isGreaterThanOrEqualTo(floor);
                if (set.images().size() == entry.get("images").asInt()) {
                    // The whole set: the service must predict what the build measured in PyTorch.
                    softly.assertThat(accuracy).as(dataset + ": the service's accuracy on the whole set against the"
                            + " build report's").isCloseTo(entry.get("accuracy").asDouble(), within(SAME_AS_BUILD));
                }
            }
        }
        softly.assertAll();
    }

    private static double zeroShotAccuracy(VlmClient client, ModelInfo model, EvaluationSet set) {
        List<LabeledImage> images = set.images();
        String datasetId = client.upload(images.stream().map(LabeledImage::file).toList()).datasetId();
        ClassSetInfo classes = client.createClassSet(set.classNames(), null);
        int promptSize = classes.contextTokens() * model.tokenWidth();
        float[] logits = client.predict(datasetId, classes.classSetId(), new float[promptSize], 1, promptSize)
                .logits().data();
        int k = set.classNames().size();
        int correct = 0;
        for (int i = 0; i < images.size(); i++) {
            int best = 0;
            for (int c = 1; c < k; c++) {
                if (logits[i * k + c] > logits[i * k + best]) {
                    best = c;
                }
            }
            if (best == images.get(i).label()) {
                correct++;
            }
        }
        return (double) correct / images.size();
    }
}
