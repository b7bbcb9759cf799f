package dev.craft.client.perf;

import dev.craft.client.tune.RoundTiming;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class RoundProfileTest {

    private static final long MS = 1_000_000;

    /** A round of 100 ms: query 40, CMA-ES 10 (of which 4 waiting at the checkpoint), MLP 30, other 20. */
    private static RoundTiming round(int number, long backgroundCpuMs, long decompositions) {
        return new RoundTiming(number, 100 * MS, 40 * MS, 6 * MS, 5 * MS, backgroundCpuMs * MS, decompositions,
                4 * MS, 4 * MS, 10 * MS, 20 * MS, 16 * MS);
    }

    @Test
    void averagesTheMeasuredRoundsAndSplitsTheRound() {
        RoundTiming warmup = new RoundTiming(1, 900 * MS, 500 * MS, 300 * MS, 300 * MS, 0, 0, 0, 0, 50 * MS,
                40 * MS, 10 * MS);
        RoundProfile p = RoundProfile.of(List.of(warmup, round(2, 90, 1), round(3, 0, 0), round(4, 0, 0)), 1);
        assertThat(p.rounds()).isEqualTo(3);
        assertThat(p.warmupRounds()).isEqualTo(1);
        assertThat(p.roundMs()).isCloseTo(100, within(1e-9));
        assertThat(p.queryMs()).isCloseTo(40, within(1e-9));
        assertThat(p.cmaesMs()).isCloseTo(10, within(1e-9));
        assertThat(p.cmaesWaitMs()).isCloseTo(4, within(1e-9));
        assertThat(p.cmaesBackgroundMs()).isCloseTo(30, within(1e-9));
        assertThat(p.cmaesCpuMs()).isCloseTo(35, within(1e-9));
        assertThat(p.eigenDecompositionsPerRound()).isCloseTo(1 / 3.0, within(1e-12));
        assertThat(p.mlpMs()).isCloseTo(30, within(1e-9));
        assertThat(p.mlpFitnessMs()).isCloseTo(10, within(1e-9));
        assertThat(p.mlpEpochMs()).isCloseTo(20, within(1e-9));
        assertThat(p.otherMs()).isCloseTo(20, within(1e-9));
        assertThat(p.checkpointMs()).isCloseTo(16, within(1e-9));
        assertThat(p.queryShare() + p.cmaesShare() + p.mlpShare() + p.otherShare()).isCloseTo(1, within(1e-12));
        assertThat(p.cmaesShare()).isCloseTo(0.10, within(1e-12));
    }

    @Test
    void needsARoundAfterTheWarmup() {
        assertThatThrownBy(() -> RoundProfile.of(List.of(round(1, 0, 0)), 1))
                .hasMessage("need more than 1 rounds to profile, got 1");
    }
}
