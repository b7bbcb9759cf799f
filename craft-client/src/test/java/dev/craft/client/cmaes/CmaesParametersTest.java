package dev.craft.client.cmaes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.data.Percentage.withPercentage;

import org.junit.jupiter.api.Test;

class CmaesParametersTest {

    @Test
    void constantsForN512Lambda40FollowTheTutorial() {
        CmaesParameters p = CmaesParameters.builder(512).popsize(40).build();
        assertThat(p.lambda()).isEqualTo(40);
        assertThat(p.mu()).isEqualTo(20);
        assertThat(p.muEff()).isCloseTo(11.31, withPercentage(0.5));
        assertThat(p.c1()).isCloseTo(7.59e-6, withPercentage(0.5));
        assertThat(p.cMu()).isCloseTo(7.11e-5, withPercentage(0.5));
        assertThat(p.cSigma()).isCloseTo(0.0252, withPercentage(0.5));
        assertThat(p.cC()).isCloseTo(0.00779, withPercentage(0.5));
        // d_sigma = 1 + 2 max(0, sqrt((mu_eff-1)/(N+1)) - 1) + c_sigma >= 1 + c_sigma by construction
        // (the brief's "~0.89" cannot come from this formula; see docs/cmaes.md)
        assertThat(p.dSigma()).isCloseTo(1 + p.cSigma(), within(1e-15));
        assertThat(p.chiN()).isCloseTo(Math.sqrt(512) * (1 - 1 / 2048.0 + 1 / (21.0 * 512 * 512)), within(1e-12));
        // lazy eigendecomposition gap lambda/(c1+cmu)/N/10 ~ 99 evaluations -> every 3rd generation
        assertThat(p.eigenUpdateGap()).isCloseTo(99.2, within(0.5));
    }

    @Test
    void weightsArePositiveSummingToOneThenActiveNegatives() {
        CmaesParameters p = CmaesParameters.builder(512).popsize(40).build();
        double[] w = p.weights();
        double pos = 0;
        double neg = 0;
        for (int i = 0; i < w.length; i++) {
            if (i < p.mu()) {
                assertThat(w[i]).isPositive();
                pos += w[i];
            } else {
                assertThat(w[i]).isNegative();
                neg += w[i];
            }
            if (i > 0) {
                assertThat(w[i]).isLessThan(w[i - 1]);
            }
        }
        assertThat(pos).isCloseTo(1.0, within(1e-12));
        double alphaMu = 1 + p.c1() / p.cMu();
        double alphaMuEff = 1 + 2 * p.muEffMinus() / (p.muEff() + 2);
        double alphaPosDef = (1 - p.c1() - p.cMu()) / (512 * p.cMu());
        assertThat(-neg).isCloseTo(Math.min(alphaMu, Math.min(alphaMuEff, alphaPosDef)), within(1e-12));
        // here alpha_mu^- ~ 1.11 < alpha_mueff^- ~ 3.4 < alpha_posdef^- ~ 27.5
        assertThat(-neg).isCloseTo(alphaMu, within(1e-12));
    }

    @Test
    void defaultsAndSeparableRates() {
        assertThat(CmaesParameters.defaultPopsize(10)).isEqualTo(10);
        assertThat(CmaesParameters.defaultPopsize(40)).isEqualTo(15);
        assertThat(CmaesParameters.defaultPopsize(512)).isEqualTo(22);
        assertThat(CmaesParameters.defaultPopsize(1)).isEqualTo(4);
        CmaesParameters full = CmaesParameters.builder(40).build();
        CmaesParameters sep = CmaesParameters.builder(40).separable(true).build();
        assertThat(sep.c1()).isCloseTo(full.c1() * 42 / 3.0, within(1e-15));
        assertThat(sep.cMu()).isCloseTo(Math.min(1 - sep.c1(), full.cMu() * 42 / 3.0), within(1e-15));
        assertThat(full.sigma0()).isEqualTo(0.5);
        CmaesParameters passive = CmaesParameters.builder(10).active(false).build();
        assertThat(passive.weights()).satisfies(w -> {
            for (int i = passive.mu(); i < w.length; i++) {
                assertThat(w[i]).isZero();
            }
        });
    }

    @Test
    void builderValidates() {
        assertThatThrownBy(() -> CmaesParameters.builder(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("dimension must be >= 1, got 0");
        assertThatThrownBy(() -> CmaesParameters.builder(5).popsize(1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("popsize must be >= 2");
        assertThatThrownBy(() -> CmaesParameters.builder(5).sigma0(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sigma0 must be a finite number > 0");
        assertThatThrownBy(() -> CmaesParameters.builder(5).sigma0(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sigma0");
        assertThatThrownBy(() -> CmaesParameters.builder(5).bounds(1, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lower bound must be < upper bound");
        assertThatThrownBy(() -> CmaesParameters.builder(5).bounds(new double[3], new double[3]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bounds must have length 5");
    }
}
