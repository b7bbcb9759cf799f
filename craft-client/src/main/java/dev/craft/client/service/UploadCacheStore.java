package dev.craft.client.service;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;

/**
 * The upload cache's JSON file. Written to a temporary file in the same folder and renamed over the old
 * one, so a reader never sees half a file. An unreadable file is reported and treated as empty: the
 * cache only saves uploads, it must never stop a run.
 */
final class UploadCacheStore {

    static final int VERSION = 1;
    private static final System.Logger LOG = System.getLogger(UploadCacheStore.class.getName());

    /** One upload: the dataset id valid for these images on this service, model and tenant. */
    record Entry(String contentSha256, String serviceUrl, String modelId, String apiKeySha256, String datasetId,
                 int images, Instant uploadedAt) {

        boolean matches(String contentSha256, UploadTarget target) {
            return this.contentSha256.equals(contentSha256) && serviceUrl.equals(target.serviceUrl())
                    && modelId.equals(target.modelId()) && apiKeySha256.equals(target.apiKeySha256());
        }
    }

    record Contents(int version, List<Entry> entries) {
    }

    private final Path file;
    private final JsonMapper json = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    UploadCacheStore(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    List<Entry> load() {
        try {
            Contents contents = json.readValue(Files.readAllBytes(file), Contents.class);
            if (contents == null || contents.version() != VERSION || contents.entries() == null) {
                LOG.log(System.Logger.Level.WARNING, "ignoring upload cache " + file + ": unknown format");
                return List.of();
            }
            return contents.entries().stream().filter(UploadCacheStore::complete).toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (JacksonException e) {
            LOG.log(System.Logger.Level.WARNING, "ignoring unreadable upload cache " + file + ": " + e.getOriginalMessage());
            return List.of();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "ignoring unreadable upload cache " + file + ": " + e.getMessage());
            return List.of();
        }
    }

    void save(List<Entry> entries) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try {
                Files.write(tmp, json.writeValueAsBytes(new Contents(VERSION, entries)));
                move(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the upload cache " + file + ": " + e.getMessage(), e);
        }
    }

    private void move(Path tmp) throws IOException {
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static boolean complete(Entry e) {
        return e != null && e.contentSha256() != null && e.serviceUrl() != null && e.modelId() != null
                && e.apiKeySha256() != null && e.datasetId() != null;
    }
}
