package dev.craft.service.compute;

import dev.craft.service.VlmProperties;
import dev.craft.service.problem.ApiException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AnswerMemoryTest {

    private static final long MIB = 1 << 20;

    private final MeterRegistry registry = new SimpleMeterRegistry();

    private static VlmProperties properties(int answerMemoryMb, long maxLogits) {
        return new VlmProperties(null, null, null, null, new VlmProperties.Limits(0, 0, 0, 0, 0, 0, 0, maxLogits, 0, 0),
                new VlmProperties.Compute(0, 0, 0, 0, 0, answerMemoryMb), null, null, null);
    }

    private double gauge() {
        return registry.get("vlm.compute.answer.memory").gauge().value();
    }

    @Test
    void reservationsUpToTheCapacityFitAndTheNextIsRefusedUntilOneIsReleased() {
        AnswerMemory memory = new AnswerMemory(properties(4, MIB / 4), registry);
        AnswerMemory.Lease first = memory.reserve(3 * MIB);
        AnswerMemory.Lease second = memory.reserve(MIB);
        assertThat(gauge()).isEqualTo(4.0 * MIB);

        assertThatThrownBy(() -> memory.reserve(1))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE))
                .hasMessageContaining("4.0 MiB of the service's 4.0 MiB answer memory");
        assertThat(gauge()).as("a refusal holds nothing").isEqualTo(4.0 * MIB);

        first.close();
        first.close();
        assertThat(gauge()).as("closing twice gives back once").isEqualTo((double) MIB);
        memory.reserve(3 * MIB).close();
        second.close();
        assertThat(gauge()).isZero();
    }

    @Test
    void byDefaultFourOfTheLargestAnswersFit() {
        VlmProperties defaults = new VlmProperties(null, null, null, null, null, null, null, null, null);
        long largestAnswer = defaults.limits().maxLogitsPerRequest() * Float.BYTES;
        assertThat(defaults.compute().answerMemoryBytes()).isEqualTo(1024 * MIB);
        assertThat(defaults.compute().answerMemoryBytes() / largestAnswer).isEqualTo(4);
    }

    @Test
    void anAnswerMemoryTooSmallForOneAllowedAnswerStopsTheStart() {
        assertThatThrownBy(() -> properties(16, 8_000_000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("vlm.compute.answer-memory-mb (16) is smaller than one answer at "
                        + "vlm.limits.max-logits-per-request (8000000 logits = 31 MiB): raise the first or lower the second");
        assertThat(properties(31, 8_000_000).compute().answerMemoryMb()).isEqualTo(31);
    }
}
