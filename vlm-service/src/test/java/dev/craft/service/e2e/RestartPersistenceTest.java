package dev.craft.service.e2e;

import dev.craft.service.VlmServiceApplication;
import dev.craft.service.testsupport.VlmHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import static dev.craft.service.testsupport.ServiceFixture.createClassSet;
import static dev.craft.service.testsupport.ServiceFixture.predictBinary;
import static dev.craft.service.testsupport.ServiceFixture.prompts;
import static dev.craft.service.testsupport.ServiceFixture.uploadGenerated;
import static dev.craft.service.testsupport.ServiceFixture.usage;
import static org.assertj.core.api.Assertions.assertThat;

/** Datasets, class sets, the ledger and idempotency keys survive a restart on the same data dir. */
class RestartPersistenceTest {

    private static final String KEY = "restart-key-0001";

    @TempDir
    Path dataDir;

    @Test
    void everythingSurvivesARestart() {
        String datasetId;
        String classSetId;
        byte[] logitsBefore;
        float[][] prompts = prompts(2, 4 * 32, 21, 0.5f);
        try (ConfigurableApplicationContext first = start()) {
            VlmHttp http = new VlmHttp(port(first), KEY);
            datasetId = uploadGenerated(http, 5, 600);
            classSetId = createClassSet(http, List.of("one", "two", "three")).get("classSetId").asString();
            HttpResponse<byte[]> response = predictBinary(http, datasetId, classSetId, prompts, "before-restart");
            assertThat(response.statusCode()).isEqualTo(200);
            logitsBefore = response.body();
            assertThat(usage(http)).isEqualTo(2);
        }
        try (ConfigurableApplicationContext second = start()) {
            VlmHttp http = new VlmHttp(port(second), KEY);
            assertThat(usage(http)).isEqualTo(2);
            assertThat(VlmHttp.json(http.get("/v1/datasets/" + datasetId)).get("size").asInt()).isEqualTo(5);
            assertThat(VlmHttp.json(http.get("/v1/classsets/" + classSetId)).get("classNames").size()).isEqualTo(3);

            HttpResponse<byte[]> replay = predictBinary(http, datasetId, classSetId, prompts, "before-restart");
            assertThat(replay.headers().firstValue("X-Craft-Queries-Charged")).contains("0");
            assertThat(replay.body()).isEqualTo(logitsBefore);

            HttpResponse<byte[]> fresh = predictBinary(http, datasetId, classSetId, prompts, null);
            assertThat(fresh.body()).isEqualTo(logitsBefore);
            assertThat(usage(http)).isEqualTo(4);
        }
    }

    @Test
    void aRelativeDataDirWorksAsInTheReadme() throws Exception {
        Path relative = Path.of("target", "relative-data-" + System.nanoTime());
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(VlmServiceApplication.class).run(
                "--server.port=0", "--server.address=127.0.0.1", "--vlm.data-dir=" + relative,
                "--vlm.model.bundle=tiny", "--vlm.api-keys=restart:" + KEY + ":10")) {
            VlmHttp http = new VlmHttp(port(context), KEY);
            uploadGenerated(http, 1, 1);
            assertThat(relative.resolve("db/vlm.mv.db")).exists();
        } finally {
            org.springframework.util.FileSystemUtils.deleteRecursively(relative);
        }
    }

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(VlmServiceApplication.class).run(
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--vlm.data-dir=" + dataDir,
                "--vlm.model.bundle=tiny",
                "--vlm.api-keys=restart:" + KEY + ":1000");
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }
}
