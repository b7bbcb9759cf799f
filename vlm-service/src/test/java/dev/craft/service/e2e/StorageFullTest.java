package dev.craft.service.e2e;

import dev.craft.service.testsupport.Multipart;
import dev.craft.service.testsupport.TestImages;
import dev.craft.service.testsupport.VlmHttp;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A disk too full to keep the margin the ledger needs: the upload is refused with a clear 507, and
 * nothing is stored or half-stored. (The margin is set above any real disk's free space.)
 */
@TestPropertySource(properties = "vlm.storage.min-free-bytes=1000000000000000000")
class StorageFullTest extends ServiceTestBase {

    @Value("${vlm.data-dir}")
    Path dataDir;

    @Test
    void uploadOnAFullDiskIsRefusedCleanly() throws Exception {
        VlmHttp alice = alice();
        HttpResponse<byte[]> response = alice.postMultipart("/v1/datasets", new Multipart()
                .file("images", "a.png", "image/png", TestImages.png(1, 30, 30))
                .file("images", "b.png", "image/png", TestImages.png(2, 30, 30)));
        assertThat(response.statusCode()).isEqualTo(507);
        JsonNode problem = VlmHttp.json(response);
        assertThat(problem.get("type").asString()).isEqualTo("urn:craft:problem:insufficient-storage");
        assertThat(problem.get("detail").asString()).contains("not enough free disk space", "nothing was kept");
        assertThat(VlmHttp.json(alice.get("/v1/datasets")).size()).isZero();
        try (Stream<Path> files = Files.list(dataDir.resolve("datasets"))) {
            assertThat(files).isEmpty();
        }
        assertThat(VlmHttp.json(alice.get("/v1/usage")).get("queries").asLong()).isZero();
        assertThat(VlmHttp.text(new VlmHttp(port, null).get("/actuator/health"))).contains("\"UP\"");
    }
}
