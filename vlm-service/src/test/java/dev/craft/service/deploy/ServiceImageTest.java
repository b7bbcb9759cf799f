package dev.craft.service.deploy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Builds the CPU service image (deploy/docker/vlm-service.Dockerfile, target runtime-cpu) from
 * the sources and runs it as compose and Kubernetes do: read-only root filesystem, /tmp a tmpfs,
 * keys from the environment. Skipped where no Docker engine runs (this project's CI machines);
 * the build takes minutes where one does (Maven inside the image).
 */
@Testcontainers(disabledWithoutDocker = true)
class ServiceImageTest {

    private static GenericContainer<?> service;

    @BeforeAll
    static void buildAndStart() {
        service = new GenericContainer<>(DockerBuildContext.image("craft/vlm-service-test", "vlm-service.Dockerfile", "runtime-cpu"))
                .withEnv("VLM_API_KEYS", "itest:itest-key-000001:50")
                .withEnv("VLM_MODEL_BUNDLE", "tiny")
                .withTmpFs(Map.of("/tmp", "rw"))
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withReadonlyRootfs(true))
                .withExposedPorts(8080)
                .waitingFor(Wait.forHttp("/actuator/health/readiness").forStatusCode(200)
                        .withStartupTimeout(Duration.ofMinutes(3)));
        service.start();
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.stop();
        }
    }

    @Test
    void servesTheModelAndMetricsAsANonRootUserWithoutExtractingNatives() throws Exception {
        URI base = URI.create("http://" + service.getHost() + ":" + service.getMappedPort(8080));
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> model = http.send(HttpRequest.newBuilder(base.resolve("/v1/model"))
                .header("Authorization", "Bearer itest-key-000001").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(model.statusCode()).isEqualTo(200);
        assertThat(model.body()).contains("\"modelId\":\"tiny-clip-random-v1\"", "\"device\":\"cpu\"");
        String metrics = http.send(HttpRequest.newBuilder(base.resolve("/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("vlm_quota_limit{application=\"vlm-service\",tenant=\"itest\"} 50.0");

        assertThat(service.execInContainer("id", "-u").getStdout().strip()).isEqualTo("10001");
        assertThat(service.execInContainer("touch", "/opt/vlm/x").getExitCode()).as("read-only root").isNotZero();
        // libtorch was extracted into DJL_CACHE_DIR at build time: nothing is extracted at start
        assertThat(service.getLogs()).doesNotContain("Extracting").contains("Loaded model bundle tiny-clip-random-v1");
    }

    @Test
    void theImagesHealthCheckTurnsHealthy() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        String status = null;
        while (System.nanoTime() < deadline) {
            status = service.getCurrentContainerInfo().getState().getHealth().getStatus();
            if ("healthy".equals(status)) {
                break;
            }
            Thread.sleep(1000);
        }
        assertThat(status).isEqualTo("healthy");
    }
}
