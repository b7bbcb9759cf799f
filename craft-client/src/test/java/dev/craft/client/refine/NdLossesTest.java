package dev.craft.client.refine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.craft.client.DjlRuntime;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The DJL losses used in training agree with the plain-Java {@link Losses}. */
class NdLossesTest {

    private static NDManager manager;

    @BeforeAll
    static void start() {
        DjlRuntime.configure();
        manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    @Test
    void crossEntropyAndKlMatchPlainJava() {
        int k = 10;
        int n = 37;
        SyntheticLogits a = SyntheticLogits.random(k, n, 5.0, 11);
        SyntheticLogits b = SyntheticLogits.random(k, n, 5.0, 12);
        NDArray fa = manager.create(a.logits, new Shape(n, k));
        NDArray fb = manager.create(b.logits, new Shape(n, k));
        NDArray y = manager.create(Arrays.stream(a.labels).asLongStream().toArray(), new Shape(n));

        double ce = NdLosses.crossEntropy(fa, y).toFloatArray()[0];
        double kl = NdLosses.kl(fa, fb).toFloatArray()[0];
        double klReverse = NdLosses.kl(fb, fa).toFloatArray()[0];

        assertThat(ce).isCloseTo(Losses.crossEntropy(a.logits, a.labels, k), within(1e-5));
        assertThat(kl).isCloseTo(Losses.kl(a.logits, b.logits, k), within(1e-5));
        assertThat(klReverse).isCloseTo(Losses.kl(b.logits, a.logits, k), within(1e-5));
        assertThat(kl).isNotCloseTo(klReverse, within(1e-3));
    }

    @Test
    void handComputedKlDirection() {
        // target [0, ln 3] -> P = [1/4, 3/4]; input [0, 0] -> Q = [1/2, 1/2]; KL(P||Q) = 0.130812036
        NDArray target = manager.create(new float[] {0, (float) Math.log(3)}, new Shape(1, 2));
        NDArray input = manager.create(new float[] {0, 0}, new Shape(1, 2));
        assertThat((double) NdLosses.kl(target, input).toFloatArray()[0]).isCloseTo(0.130812036, within(1e-6));
        assertThat((double) NdLosses.kl(input, target).toFloatArray()[0]).isCloseTo(0.143841036, within(1e-6));
    }
}
