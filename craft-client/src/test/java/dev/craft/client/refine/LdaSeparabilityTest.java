package dev.craft.client.refine;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LdaSeparabilityTest {

    private static final int K = 5;
    private static final int PER_CLASS = 16;

    /** Gaussian clusters around a class-dependent centre; {@code target(y)} is the logit raised for class y. */
    private static float[] clusters(int[] labels, double spread, java.util.function.IntUnaryOperator target, long seed) {
        Random random = new Random(seed);
        float[] logits = new float[labels.length * K];
        for (int i = 0; i < labels.length; i++) {
            for (int j = 0; j < K; j++) {
                logits[i * K + j] = (float) (spread * random.nextGaussian() + (j == target.applyAsInt(labels[i]) ? 3 : 0));
            }
        }
        return logits;
    }

    private static int[] labels() {
        int[] y = new int[K * PER_CLASS];
        for (int i = 0; i < y.length; i++) {
            y[i] = i % K;
        }
        return y;
    }

    @Test
    void separatedClassesScoreLowWhateverLogitTheyRaiseWhileRawCrossEntropyNeedsTheRightOne() {
        int[] y = labels();
        // every class raises the logit of the NEXT class: raw cross-entropy is bad, the classes are still apart
        float[] shifted = clusters(y, 0.3, c -> (c + 1) % K, 1);
        assertThat(Losses.crossEntropy(shifted, y, K)).isGreaterThan(2.5);
        assertThat(LdaSeparability.crossEntropy(shifted, y, K)).isLessThan(0.05);
    }

    @Test
    void logitsThatCarryNoClassInformationScoreAboutLogK() {
        int[] y = labels();
        float[] noise = clusters(y, 1.0, c -> -1, 2);
        // leave-one-out keeps the fit on the same samples from looking better than chance
        assertThat(LdaSeparability.crossEntropy(noise, y, K)).isGreaterThan(Math.log(K) - 0.05);
    }

    @Test
    void viewsSideBySideScoreWhatTheyTellApartTogether() {
        int[] y = labels();
        // view a tells classes 0, 1, 2 apart and confuses 3 with 4; view b the other way round
        float[] a = clusters(y, 0.5, c -> c < 3 ? c : -1, 4);
        float[] b = clusters(y, 0.5, c -> c >= 3 ? c : -1, 5);
        float[] anotherA = clusters(y, 0.5, c -> c < 3 ? c : -1, 6);
        double aAlone = LdaSeparability.crossEntropy(a, y, K);
        double withB = LdaSeparability.crossEntropy(ViewRows.sideBySide(java.util.List.of(a, b), K), 2 * K, y, K);
        double withCopy = LdaSeparability.crossEntropy(ViewRows.sideBySide(java.util.List.of(a, anotherA), K), 2 * K,
                y, K);
        assertThat(withB).isLessThan(0.05).isLessThan(aAlone / 5);
        // a second view like the first adds nothing to tell 3 from 4
        assertThat(withCopy).isGreaterThan(aAlone * 0.8);
        // one view given as one-view features is the plain score
        assertThat(LdaSeparability.crossEntropy(a, K, y, K)).isEqualTo(aAlone);
    }

    @Test
    void moreSeparatedClassesScoreLower() {
        int[] y = labels();
        double tight = LdaSeparability.crossEntropy(clusters(y, 0.8, c -> c, 3), y, K);
        double loose = LdaSeparability.crossEntropy(clusters(y, 2.0, c -> c, 3), y, K);
        assertThat(tight).isLessThan(loose);
    }

    @Test
    void scalingTheLogitsChangesNothing() {
        int[] y = labels();
        float[] f = clusters(y, 1.0, c -> c, 4);
        float[] scaled = f.clone();
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] *= 7;
        }
        assertThat(LdaSeparability.crossEntropy(scaled, y, K)).isCloseTo(LdaSeparability.crossEntropy(f, y, K), within(1e-6));
    }

    @Test
    void aClassWithOneSampleIsRefused() {
        assertThatThrownBy(() -> LdaSeparability.crossEntropy(new float[] {1, 0, 0, 1, 1, 0}, new int[] {0, 1, 0}, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("class 1 has 1 samples");
    }
}
