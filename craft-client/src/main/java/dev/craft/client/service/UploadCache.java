package dev.craft.client.service;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Remembers which image lists were already uploaded, so a rerun reuses the dataset instead of encoding
 * the images again. A dataset id is reused only for the same image list (names and bytes, in order),
 * service URL, model and API key (kept as its SHA-256 only), and only while the service still has it.
 * <p>
 * The file defaults to {@code $CRAFT_HOME/upload-cache.json}, else {@code ~/.craft/upload-cache.json}.
 * Concurrent processes never corrupt it, but one may drop the other's newest entry (last writer wins);
 * that costs at most a repeated upload.
 */
public final class UploadCache {

    public static final String FILE_NAME = "upload-cache.json";
    public static final String HOME_ENV = "CRAFT_HOME";

    private final UploadCacheStore store;
    private final Clock clock;

    public UploadCache(Path file) {
        this(file, Clock.systemUTC());
    }

    UploadCache(Path file, Clock clock) {
        this.store = new UploadCacheStore(Objects.requireNonNull(file, "file"));
        this.clock = clock;
    }

    /** The cache at its default place. */
    public static UploadCache atDefaultLocation() {
        return new UploadCache(defaultFile(System.getenv(), System.getProperty("user.home")));
    }

    static Path defaultFile(Map<String, String> env, String userHome) {
        String home = env.get(HOME_ENV);
        Path dir = home != null && !home.isBlank() ? Path.of(home) : Path.of(userHome, ".craft");
        return dir.resolve(FILE_NAME);
    }

    public Path file() {
        return store.file();
    }

    /** The id of a dataset holding exactly {@code images}, uploading them only when no live one is known. */
    public synchronized String uploadOnce(DatasetUploader uploader, List<Path> images) {
        String content = ImageSetHash.of(images);
        UploadTarget target = uploader.uploadTarget();
        List<UploadCacheStore.Entry> entries = new ArrayList<>(store.load());
        for (UploadCacheStore.Entry entry : entries) {
            if (entry.matches(content, target) && uploader.datasetExists(entry.datasetId())) {
                return entry.datasetId();
            }
        }
        String datasetId = uploader.upload(images).datasetId();
        entries.removeIf(entry -> entry.matches(content, target));
        entries.add(new UploadCacheStore.Entry(content, target.serviceUrl(), target.modelId(), target.apiKeySha256(),
                datasetId, images.size(), clock.instant()));
        store.save(entries);
        return datasetId;
    }
}
