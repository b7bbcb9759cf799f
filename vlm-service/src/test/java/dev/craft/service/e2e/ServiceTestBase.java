package dev.craft.service.e2e;

import dev.craft.service.testsupport.VlmHttp;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real service on a random port with the embedded tiny bundle ({@code vlm.model.bundle=tiny}), a fresh data
 * dir per Spring context (classes with the same configuration share one),
 * and three tenants: alice (large quota), bob (another tenant), carol (quota 30).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureMetrics
abstract class ServiceTestBase {

    static final String ALICE_KEY = "alice-key-0001";
    static final String BOB_KEY = "bob-key-0002";
    static final String CAROL_KEY = "carol-key-0003";

    @LocalServerPort
    int port;

    static Path newDataDir() {
        try {
            return Files.createTempDirectory("vlm-test-data");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        Path dataDir = newDataDir();
        registry.add("vlm.data-dir", dataDir::toString);
        registry.add("vlm.model.bundle", () -> "tiny");
        registry.add("vlm.api-keys", () -> "alice:" + ALICE_KEY + ":100000000,bob:" + BOB_KEY + ":1000000,carol:"
                + CAROL_KEY + ":30");
    }

    VlmHttp alice() {
        return new VlmHttp(port, ALICE_KEY);
    }

    VlmHttp bob() {
        return new VlmHttp(port, BOB_KEY);
    }

    VlmHttp carol() {
        return new VlmHttp(port, CAROL_KEY);
    }

    String prometheus() {
        return VlmHttp.text(new VlmHttp(port, null).get("/actuator/prometheus"));
    }
}
