package dev.craft.client.cmaes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BoundTransformTest {

    private final BoundTransform t = new BoundTransform(new double[] {-1, 0, 10}, new double[] {1, 0.001, 20});

    @Test
    void identityInTheInterior() {
        for (int i = 0; i < 3; i++) {
            double a = t.identityLower(i);
            double b = t.identityUpper(i);
            assertThat(a).isLessThanOrEqualTo(b);
            for (int k = 0; k <= 50; k++) {
                double x = a + (b - a) * k / 50.0;
                assertThat(t.apply(i, x)).isEqualTo(x);
            }
        }
        // margins as documented: al = min((hi-lo)/2, (1+|lo|)/20)
        assertThat(t.identityLower(0)).isCloseTo(-1 + 0.1, within(1e-15));
        assertThat(t.identityUpper(2)).isCloseTo(20 - 21 / 20.0, within(1e-12));
        assertThat(t.identityLower(1)).isCloseTo(0.0005, within(1e-15)); // narrow box: half width
    }

    @Test
    void everyPointIsMappedIntoTheBox() {
        Random r = new Random(1);
        double[] lo = t.lower();
        double[] hi = t.upper();
        for (int k = 0; k < 100_000; k++) {
            double scale = Math.pow(10, r.nextInt(12) - 3);
            double[] x = {scale * r.nextGaussian(), scale * r.nextGaussian(), 15 + scale * r.nextGaussian()};
            double[] y = t.apply(x);
            for (int i = 0; i < 3; i++) {
                assertThat(y[i]).isBetween(lo[i], hi[i]);
            }
        }
    }

    @Test
    void continuousAndSmoothAcrossPieces() {
        // numerical derivative must not jump anywhere (C^1); check on a fine grid over two periods
        double h = 1e-7;
        double prevSlope = Double.NaN;
        for (double x = -7; x < 7; x += 1e-3) {
            double slope = (t.apply(0, x + h) - t.apply(0, x - h)) / (2 * h);
            assertThat(Math.abs(slope)).isLessThanOrEqualTo(1 + 1e-6);
            if (!Double.isNaN(prevSlope)) {
                assertThat(Math.abs(slope - prevSlope)).isLessThan(0.05);
            }
            prevSlope = slope;
            double y1 = t.apply(0, x);
            double y2 = t.apply(0, x + 1e-3);
            assertThat(Math.abs(y2 - y1)).isLessThanOrEqualTo(1e-3 + 1e-12);
        }
        // the bounds themselves are reached (at lo - al and hi + au)
        assertThat(t.apply(0, -1.1)).isEqualTo(-1.0);
        assertThat(t.apply(0, 1.1)).isEqualTo(1.0);
    }

    @Test
    void inverseIsAPreimage() {
        Random r = new Random(2);
        for (int k = 0; k < 10_000; k++) {
            double[] y = {-1 + 2 * r.nextDouble(), 0.001 * r.nextDouble(), 10 + 10 * r.nextDouble()};
            double[] back = t.apply(t.inverse(y));
            for (int i = 0; i < 3; i++) {
                assertThat(back[i]).isCloseTo(y[i], within(1e-12 * (1 + Math.abs(y[i]))));
            }
        }
        assertThatThrownBy(() -> t.inverse(new double[] {2, 0, 15}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside the bounds");
    }

    @Test
    void validatesBounds() {
        assertThatThrownBy(() -> new BoundTransform(new double[] {1}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lower bound must be < upper bound");
        assertThatThrownBy(() -> new BoundTransform(new double[] {0}, new double[] {Double.POSITIVE_INFINITY}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("finite");
        assertThatThrownBy(() -> new BoundTransform(new double[] {0, 0}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same");
    }

    @Test
    void cmaesWithBoundsEvaluatesOnlyInsideAndFindsTheBoundaryOptimum() {
        int n = 10;
        CmaesParameters p = CmaesParameters.builder(n).sigma0(0.3).bounds(-1, 1).build();
        double[] x0 = new double[n];
        Arrays.fill(x0, 0.5);
        CmaesState es = new CmaesState(p, x0, 11);
        // optimum of sum (x_i - 2)^2 over the box is x = 1 (on the boundary), f = n
        double[] worst = {Double.NEGATIVE_INFINITY};
        CmaesRunner.Result r = CmaesRunner.minimize(es, x -> {
            for (double v : x) {
                worst[0] = Math.max(worst[0], Math.abs(v));
            }
            double s = 0;
            for (double v : x) {
                s += (v - 2) * (v - 2);
            }
            return s;
        }, n + 1e-8, 20_000);
        assertThat(worst[0]).isLessThanOrEqualTo(1.0);
        assertThat(r.reachedTarget()).isTrue();
        for (double v : r.bestSolution()) {
            assertThat(v).isBetween(1 - 1e-6, 1.0);
        }
    }
}
