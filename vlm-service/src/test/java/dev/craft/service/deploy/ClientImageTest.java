package dev.craft.service.deploy;

import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.junit.jupiter.Testcontainers;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Builds the craft client image (deploy/docker/craft.Dockerfile) and runs its default command.
 * Skipped where no Docker engine runs (this project's CI machines).
 */
@Testcontainers(disabledWithoutDocker = true)
class ClientImageTest {

    @Test
    void theClientImageRunsTheCliAsANonRootUser() {
        try (GenericContainer<?> craft = new GenericContainer<>(DockerBuildContext.image("craft/craft-test", "craft.Dockerfile", "runtime"))
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withReadonlyRootfs(true))
                .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofMinutes(2)))) {
            craft.start();
            assertThat(craft.getLogs()).contains("tune", "Usage: craft");
            assertThat(craft.getContainerInfo().getConfig().getUser()).isEqualTo("10001:10001");
        }
    }
}
