package dev.craft.client.tune;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The trainer with two views against an in-memory black box whose logits already name the class:
 * the final refit keeps the raw logits (0 epochs), so the prediction is the last view's logits and
 * the artefact needs only the final prompt.
 */
class TwoViewTrainerTest {

    private static final int K = 3;

    @TempDir
    Path work;

    /** Logits with a margin of 100 on the true class (cross-entropy 0 in double precision, which no network
     *  can undercut, so the refit keeps the raw logits), plus small noise that depends on the prompt. */
    private static float[] logits(float[] prompts, int count, int[] labels, int promptSize) {
        float[] out = new float[count * labels.length * K];
        for (int p = 0; p < count; p++) {
            double shift = prompts[p * promptSize];
            for (int i = 0; i < labels.length; i++) {
                for (int c = 0; c < K; c++) {
                    double noise = 0.3 * Math.sin(7.1 * shift + 1.3 * i + 2.9 * c);
                    out[(p * labels.length + i) * K + c] = (float) ((c == labels[i] ? 100 : 0) + noise);
                }
            }
        }
        return out;
    }

    @Test
    void aRefitThatKeepsTheRawLogitsPredictsWithTheLastViewAlone() throws Exception {
        int[] train = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2};
        int[] test = {2, 1, 0, 0, 1, 2};
        int promptSize = 8;
        BlackBox box = (datasetId, prompts, count, key) -> new BlackBox.Answer(
                logits(prompts, count, datasetId.equals("train") ? train : test, promptSize), count);
        TuneSettings plus = Preset.CRAFT_PLUS.settings(DatasetProfile.OTHER, K);
        TuneSettings settings = plus.withRefiner(plus.refiner().withViews(2));
        TuneConfig config = new TuneConfig(UUID.randomUUID().toString(), Method.CRAFT, "/data/x", DatasetProfile.OTHER,
                4, 1, 160, 0, "best", "http://localhost:8080", "m", "a photo of a {}.", List.of("a", "b", "c"),
                promptSize, 0.01, settings, "cs", "train", "test");
        RunDirectory dir = RunDirectory.create(work.resolve("run"), config);

        CollaborativeTrainer.Result result = new CollaborativeTrainer(config,
                new UploadedTask("train", train, "test", test, K), box, dir, ProgressListener.NONE).run();

        assertThat(result.finalRefit().epochs()).isZero();
        assertThat(result.refiner()).isNull();
        assertThat(result.testAccuracy()).isEqualTo(1.0);
        assertThat(result.prompts()).hasSize(1);
        // zero-shot, the first view's test logits, the final prompt's
        assertThat(result.evalQueries()).isEqualTo(3);
        assertThat(result.trainQueries()).isEqualTo(160);
    }
}
