package dev.craft.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DjlRuntimeTest {

    @Test
    void oneThreadOnSmallMachinesUnlessOverridden() {
        assertThat(DjlRuntime.requestedThreads(null, null, 2)).isEqualTo(1);
        assertThat(DjlRuntime.requestedThreads(null, null, 1)).isEqualTo(1);
        assertThat(DjlRuntime.requestedThreads(null, null, 16)).isNull();
        assertThat(DjlRuntime.requestedThreads(null, "4", 2)).isEqualTo(4);
        assertThat(DjlRuntime.requestedThreads("3", "4", 2)).isEqualTo(3);
        assertThat(DjlRuntime.requestedThreads(" ", "6", 16)).isEqualTo(6);
        assertThatThrownBy(() -> DjlRuntime.requestedThreads("0", null, 2))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DjlRuntime.requestedThreads("many", null, 2))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void configureIsIdempotentAndKeepsExplicitSettings() {
        DjlRuntime.configure();
        DjlRuntime.configure();
        // surefire sets these explicitly; configure() must not override them
        assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
        assertThat(System.getProperty("ai.djl.pytorch.num_threads")).isNotBlank();
    }
}
