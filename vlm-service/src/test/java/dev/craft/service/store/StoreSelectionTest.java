package dev.craft.service.store;

import dev.craft.service.testsupport.ServiceContexts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A wrong vlm.store setting stops the start with a message that says what to set. */
@ExtendWith(OutputCaptureExtension.class)
class StoreSelectionTest {

    @TempDir
    Path dataDir;

    @Test
    void anUnknownStoreNamesTheTwoChoices(CapturedOutput output) {
        assertThatThrownBy(() -> ServiceContexts.start("--vlm.data-dir=" + dataDir, "--vlm.store=mysql"))
                .isInstanceOf(RuntimeException.class);
        assertThat(output.getOut() + output.getErr())
                .contains("vlm.store must be 'h2' (embedded, one replica) or 'postgres' (spring.datasource.*, several"
                        + " replicas), not 'mysql'");
    }

    @Test
    void postgresWithoutAUrlSaysSoInOneLine(CapturedOutput output) {
        assertThatThrownBy(() -> ServiceContexts.start("--vlm.data-dir=" + dataDir, "--vlm.store=postgres"))
                .hasRootCauseMessage("vlm.store=postgres needs spring.datasource.url (SPRING_DATASOURCE_URL), e.g."
                        + " jdbc:postgresql://db-host:5432/vlm, with spring.datasource.username and spring.datasource.password");
        String log = output.getOut() + output.getErr();
        assertThat(log).contains("APPLICATION FAILED TO START",
                "Description:\n\nvlm.store=postgres needs spring.datasource.url (SPRING_DATASOURCE_URL)",
                "or use the embedded database with vlm.store=h2");
        assertThat(log).doesNotContain("Application run failed");
        assertThat(dataDir.resolve("db")).doesNotExist();
    }
}
