package dev.craft.client.refine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LossesTest {

    private static final double TOL = 1e-9;

    @Test
    void crossEntropyOfUniformTwoClassPredictionIsLn2() {
        // K=2, f = [0, 0]: softmax = [1/2, 1/2], CE = -ln(1/2) = ln 2 = 0.693147180...
        assertThat(Losses.crossEntropy(new float[] {0, 0}, new int[] {0}, 2)).isCloseTo(Math.log(2), within(TOL));
    }

    @Test
    void crossEntropyThreeClassesAveragedOverRows() {
        // K=3, f = [1, 2, 3]: logsumexp = 3 + ln(1 + e^-1 + e^-2) = 3 + ln(1.503214724) = 3.407605964
        // label 2: CE = 3.407605964 - 3 = 0.407605964; label 0: CE = 3.407605964 - 1 = 2.407605964
        float[] f = {1, 2, 3, 1, 2, 3};
        assertThat(Losses.crossEntropy(new float[] {1, 2, 3}, new int[] {2}, 3)).isCloseTo(0.407605964, within(1e-8));
        assertThat(Losses.crossEntropy(new float[] {1, 2, 3}, new int[] {0}, 3)).isCloseTo(2.407605964, within(1e-8));
        // mean of the two rows: (0.407605964 + 2.407605964) / 2 = 1.407605964
        assertThat(Losses.crossEntropy(f, new int[] {2, 0}, 3)).isCloseTo(1.407605964, within(1e-8));
    }

    @Test
    void crossEntropyIsStableForHugeLogits() {
        // f = [1000, 0], label 1: log softmax = 0 - (1000 + ln(1 + e^-1000)) = -1000 (to double precision)
        assertThat(Losses.crossEntropy(new float[] {1000, 0}, new int[] {1}, 2)).isCloseTo(1000, within(1e-9));
        assertThat(Losses.crossEntropy(new float[] {1000, 0}, new int[] {0}, 2)).isCloseTo(0, within(1e-12));
    }

    @Test
    void klOfHandComputedPairAndItsAsymmetry() {
        // target [0, ln 3] -> P = [1/4, 3/4]; input [0, 0] -> Q = [1/2, 1/2]
        // KL(P||Q) = 1/4 ln((1/4)/(1/2)) + 3/4 ln((3/4)/(1/2)) = -0.25 ln 2 + 0.75 ln 1.5
        //          = -0.173286795 + 0.304098831 = 0.130812036
        // KL(Q||P) = 1/2 ln((1/2)/(1/4)) + 1/2 ln((1/2)/(3/4)) = 0.5 ln(4/3) = 0.143841036
        float[] p = {0, (float) Math.log(3)};
        float[] q = {0, 0};
        double forward = Losses.kl(p, q, 2);
        double reverse = Losses.kl(q, p, 2);
        assertThat(forward).isCloseTo(-0.25 * Math.log(2) + 0.75 * Math.log(1.5), within(1e-7));
        assertThat(forward).isCloseTo(0.130812036, within(1e-7));
        assertThat(reverse).isCloseTo(0.5 * Math.log(4.0 / 3), within(1e-7));
        assertThat(reverse).isCloseTo(0.143841036, within(1e-7));
        assertThat(forward).isNotCloseTo(reverse, within(1e-3));
    }

    @Test
    void klIsZeroForEqualDistributionsAndShiftInvariant() {
        float[] a = {1, -2, 0.5f, 3, 3, 3};
        float[] shifted = {11, 8, 10.5f, -4, -4, -4}; // row 0 + 10, row 1 - 7: the same softmax
        assertThat(Losses.kl(a, a, 3)).isCloseTo(0, within(TOL));
        assertThat(Losses.kl(a, shifted, 3)).isCloseTo(0, within(1e-6));
        // averaged over samples: row 0 as above (0.1308...), row 1 zero -> 0.0654...
        float[] two = {0, (float) Math.log(3), 5, 5};
        float[] twoInput = {0, 0, 1, 1};
        assertThat(Losses.kl(two, twoInput, 2)).isCloseTo(0.130812036 / 2, within(1e-7));
    }

    @Test
    void klIgnoresZeroProbabilityTargetsWithoutNaN() {
        // target [0, -1e4]: P = [1, ~0] (exp underflows to 0); input [0, 0]: Q = [1/2, 1/2]; KL = ln 2
        assertThat(Losses.kl(new float[] {0, -1e4f}, new float[] {0, 0}, 2)).isCloseTo(Math.log(2), within(1e-9));
    }

    @Test
    void accuracyUsesFirstIndexOnTies() {
        float[] f = {
            1, 5, 2, // argmax 1
            3, 3, 0, // tie -> 0
            0, 0, 9, // argmax 2
            4, 1, 1  // argmax 0
        };
        assertThat(Losses.argmax(f, 3)).containsExactly(1, 0, 2, 0);
        assertThat(Losses.accuracy(f, new int[] {1, 1, 2, 2}, 3)).isCloseTo(0.5, within(TOL));
    }

    @Test
    void fitnessPullsBoxPredictionTowardsRefinedOne() {
        // f = [0, 0] (box), r = [0, ln 3] (refined), label 1, lambda = 0.5
        // CE(f, 1) = ln 2 = 0.693147181
        // KL(softmax(r) || softmax(f)) = KL([1/4, 3/4] || [1/2, 1/2]) = 0.130812036
        // fitness = 0.693147181 + 0.5 * 0.130812036 = 0.758553199
        float[] f = {0, 0};
        float[] r = {0, (float) Math.log(3)};
        int[] y = {1};
        assertThat(Losses.fitness(f, r, y, 2, 0.5)).isCloseTo(0.758553199, within(1e-7));
        // lambda 0 is plain CE of the box prediction, independent of r
        assertThat(Losses.fitness(f, r, y, 2, 0)).isCloseTo(Math.log(2), within(TOL));
        // the refined prediction is the KL target, not the input: swapping f and r in the KL gives 0.1438
        assertThat(Losses.fitness(f, r, y, 2, 1) - Math.log(2)).isCloseTo(Losses.kl(r, f, 2), within(TOL))
                .isNotCloseTo(Losses.kl(f, r, 2), within(1e-3));
    }

    @Test
    void rejectsMalformedInputs() {
        assertThatThrownBy(() -> Losses.crossEntropy(new float[] {1, 2, 3}, new int[] {0}, 2))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Losses.crossEntropy(new float[] {1, 2}, new int[] {2}, 2))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Losses.kl(new float[] {1, 2}, new float[] {1, 2, 3, 4}, 2))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
