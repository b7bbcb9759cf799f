package dev.craft.service.dataset;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The batch-size check against encoders whose batched forward does or does not agree with the one-image forward
 * (as libtorch's did for batches of 16 and more on an AVX-512 machine; the built-bundle tests show it on the real
 * model).
 */
class ImageBatchCheckTest {

    private static final int PIXELS = 12;

    @Test
    void anEncoderThatAgreesKeepsTheConfiguredBatchWithoutAWarning() {
        List<String> warnings = new ArrayList<>();
        assertThat(ImageBatchCheck.largestAgreeingBatch(32, PIXELS, encoder(Integer.MAX_VALUE), warnings::add))
                .isEqualTo(32);
        assertThat(warnings).isEmpty();
    }

    @Test
    void batchesFromSixteenUpThatDisagreeAreHalvedToTheLargestThatAgrees() {
        List<String> warnings = new ArrayList<>();
        assertThat(ImageBatchCheck.largestAgreeingBatch(32, PIXELS, encoder(16), warnings::add)).isEqualTo(8);
        assertThat(warnings).singleElement().asString()
                .contains("batch of 32 images differ", "batches of 8 agree", "at most 8 images per forward",
                        "ONEDNN_MAX_CPU_ISA=AVX2");
    }

    @Test
    void whenEveryBatchDisagreesImagesAreEncodedOneAtATime() {
        List<String> warnings = new ArrayList<>();
        assertThat(ImageBatchCheck.largestAgreeingBatch(8, PIXELS, encoder(2), warnings::add)).isEqualTo(1);
        assertThat(warnings).singleElement().asString().contains("down to 2", "one image per forward");
    }

    @Test
    void aConfiguredBatchOfOneIsNotProbed() {
        List<Integer> batches = new ArrayList<>();
        assertThat(ImageBatchCheck.largestAgreeingBatch(1, PIXELS, (pixels, count) -> {
            batches.add(count);
            return new float[count];
        }, w -> { })).isEqualTo(1);
        assertThat(batches).containsOnly(1);
    }

    /**
     * Features: the first three pixels of each image, turned by a quarter of a radian from the fourth axis on in
     * batches of {@code faultyFrom} or more, as a faulty kernel would change them.
     */
    private static ImageBatchCheck.Encoder encoder(int faultyFrom) {
        return (pixels, count) -> {
            float[] features = new float[count * 4];
            for (int i = 0; i < count; i++) {
                for (int k = 0; k < 3; k++) {
                    features[i * 4 + k] = pixels[i * PIXELS + k];
                }
                if (count >= faultyFrom) {
                    double norm = Math.hypot(Math.hypot(features[i * 4], features[i * 4 + 1]), features[i * 4 + 2]);
                    for (int k = 0; k < 3; k++) {
                        features[i * 4 + k] *= (float) Math.cos(0.25);
                    }
                    features[i * 4 + 3] = (float) (norm * Math.sin(0.25));
                }
            }
            return features;
        };
    }
}
