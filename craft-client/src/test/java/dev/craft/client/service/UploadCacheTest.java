package dev.craft.client.service;

import static dev.craft.client.testsupport.TestImages.png;
import static org.assertj.core.api.Assertions.assertThat;

import dev.craft.api.DatasetInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UploadCacheTest {

    private static final String API_KEY_HASH = Sha256.hex("secret-api-key");

    @TempDir
    Path dir;

    /** Counts uploads; datasets "exist" until removed. */
    private static final class FakeUploader implements DatasetUploader {
        final List<List<Path>> uploads = new ArrayList<>();
        final Set<String> live = new HashSet<>();
        UploadTarget target = new UploadTarget("http://vlm:8080", "model-a", API_KEY_HASH);

        @Override
        public UploadTarget uploadTarget() {
            return target;
        }

        @Override
        public DatasetInfo upload(List<Path> images) {
            uploads.add(images);
            String id = "ds_" + uploads.size();
            live.add(id);
            return new DatasetInfo(id, images.size(), images.stream().map(p -> p.getFileName().toString()).toList(),
                    Instant.EPOCH);
        }

        @Override
        public boolean datasetExists(String datasetId) {
            return live.contains(datasetId);
        }
    }

    private List<Path> images() {
        return List.of(png(dir.resolve("img/a.png"), 1), png(dir.resolve("img/b.png"), 2));
    }

    @Test
    void secondCallWithTheSameFilesReusesTheDataset() {
        FakeUploader uploader = new FakeUploader();
        Path file = dir.resolve("home/upload-cache.json");

        String first = new UploadCache(file).uploadOnce(uploader, images());
        String second = new UploadCache(file).uploadOnce(uploader, images());

        assertThat(second).isEqualTo(first).isEqualTo("ds_1");
        assertThat(uploader.uploads).hasSize(1);
    }

    @Test
    void changedBytesUploadAgain() throws IOException {
        FakeUploader uploader = new FakeUploader();
        UploadCache cache = new UploadCache(dir.resolve("cache.json"));
        List<Path> images = images();
        cache.uploadOnce(uploader, images);

        png(images.get(1), 3);

        assertThat(cache.uploadOnce(uploader, images)).isEqualTo("ds_2");
        assertThat(uploader.uploads).hasSize(2);
    }

    @Test
    void orderAndNamesArePartOfTheContent() throws IOException {
        FakeUploader uploader = new FakeUploader();
        UploadCache cache = new UploadCache(dir.resolve("cache.json"));
        List<Path> images = images();
        cache.uploadOnce(uploader, images);

        assertThat(cache.uploadOnce(uploader, List.of(images.get(1), images.get(0)))).isEqualTo("ds_2");
        Path renamed = Files.copy(images.get(0), dir.resolve("img/c.png"));
        assertThat(cache.uploadOnce(uploader, List.of(renamed, images.get(1)))).isEqualTo("ds_3");
    }

    @Test
    void staleDatasetIsUploadedAgainAndReplaced() throws IOException {
        FakeUploader uploader = new FakeUploader();
        Path file = dir.resolve("cache.json");
        UploadCache cache = new UploadCache(file);
        cache.uploadOnce(uploader, images());
        uploader.live.clear();

        assertThat(cache.uploadOnce(uploader, images())).isEqualTo("ds_2");
        assertThat(cache.uploadOnce(uploader, images())).isEqualTo("ds_2");
        assertThat(uploader.uploads).hasSize(2);
        assertThat(Files.readString(file)).contains("\"ds_2\"").doesNotContain("\"ds_1\"");
    }

    @Test
    void anotherServiceModelOrKeyUploadsSeparately() {
        FakeUploader uploader = new FakeUploader();
        UploadCache cache = new UploadCache(dir.resolve("cache.json"));
        cache.uploadOnce(uploader, images());

        uploader.target = new UploadTarget("http://vlm:8080", "model-b", API_KEY_HASH);
        assertThat(cache.uploadOnce(uploader, images())).isEqualTo("ds_2");
        uploader.target = new UploadTarget("http://vlm:8080", "model-a", Sha256.hex("other-key"));
        assertThat(cache.uploadOnce(uploader, images())).isEqualTo("ds_3");
        uploader.target = new UploadTarget("http://vlm:8080", "model-a", API_KEY_HASH);
        assertThat(cache.uploadOnce(uploader, images())).isEqualTo("ds_1");
    }

    @Test
    void fileHoldsTheKeyHashNotTheKeyAndNoTemporaryFilesRemain() throws IOException {
        Path file = dir.resolve("cache.json");
        new UploadCache(file).uploadOnce(new FakeUploader(), images());

        String json = Files.readString(file);
        assertThat(json).contains(API_KEY_HASH, "\"datasetId\"", "\"model-a\"", "\"http://vlm:8080\"")
                .doesNotContain("secret-api-key");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("cache.json", "img");
        }
    }

    @Test
    void unreadableCacheIsTreatedAsEmptyAndRewritten() throws IOException {
        Path file = Files.writeString(dir.resolve("cache.json"), "{ not json");
        FakeUploader uploader = new FakeUploader();

        assertThat(new UploadCache(file).uploadOnce(uploader, images())).isEqualTo("ds_1");
        assertThat(new UploadCache(file).uploadOnce(uploader, images())).isEqualTo("ds_1");
        assertThat(uploader.uploads).hasSize(1);
    }

    @Test
    void defaultFileHonoursCraftHome() {
        assertThat(UploadCache.defaultFile(Map.of("CRAFT_HOME", "/data/craft"), "/home/u"))
                .isEqualTo(Path.of("/data/craft/upload-cache.json"));
        assertThat(UploadCache.defaultFile(Map.of(), "/home/u")).isEqualTo(Path.of("/home/u/.craft/upload-cache.json"));
    }
}
