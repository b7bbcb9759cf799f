package dev.craft.client.prompt;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PromptProjectionTest {

    private static double[][] candidates(int count, int dimension, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] zs = new double[count][dimension];
        for (double[] z : zs) {
            for (int i = 0; i < dimension; i++) {
                z[i] = random.nextDouble(-5, 5);
            }
        }
        return zs;
    }

    @Test
    void batchedOffsetsEqualOneCandidateAtATimeBitForBit() {
        PromptProjection a = PromptProjection.gaussian(64, 48, 0.7, 11);
        // 1..9 candidates: whole blocks of four, remainders, and both together
        for (int count = 1; count <= 9; count++) {
            double[][] zs = candidates(count, 48, count);
            float[] all = a.applyAll(zs);
            assertEquals(count * 64, all.length);
            for (int k = 0; k < count; k++) {
                assertArrayEquals(a.apply(zs[k]), Arrays.copyOfRange(all, k * 64, (k + 1) * 64),
                        "candidate " + k + " of " + count);
            }
        }
    }

    @Test
    void offsetIsTheMatrixTimesZ() {
        PromptProjection a = PromptProjection.gaussian(3, 2, 1.0, 5);
        float[] first = a.apply(new double[] {1, 0});
        float[] second = a.apply(new double[] {0, 1});
        float[] mixed = a.apply(new double[] {2, -3});
        for (int r = 0; r < 3; r++) {
            assertEquals(2 * first[r] - 3 * second[r], mixed[r], 1e-5);
        }
        assertArrayEquals(first, PromptProjection.gaussian(3, 2, 1.0, 5).apply(new double[] {1, 0}),
                "the same seed draws the same matrix");
    }

    @Test
    void rejectsACandidateOfTheWrongDimension() {
        PromptProjection a = PromptProjection.gaussian(8, 4, 1.0, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> a.applyAll(new double[][] {new double[4], new double[3]}));
        assertEquals("z has 3 values, the projection needs 4", e.getMessage());
    }
}
