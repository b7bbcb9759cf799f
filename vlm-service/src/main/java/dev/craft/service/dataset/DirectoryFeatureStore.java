package dev.craft.service.dataset;

import dev.craft.api.Tensor;
import dev.craft.api.TensorCodec;
import dev.craft.service.VlmProperties;
import org.springframework.stereotype.Component;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * Features as one file {@code <features-dir>/<id>.features} each, in the CRFT tensor format [N, E]; the
 * directory ({@code vlm.storage.features-dir}) may be shared by replicas (a ReadWriteMany volume). Written to a
 * temporary file of its own, forced to disk and renamed atomically, so a crash never leaves a half-written
 * dataset behind and two writers never share a temporary file.
 */
@Component
public class DirectoryFeatureStore implements FeatureStore {

    private static final String SUFFIX = ".features";
    private static final String TMP_SUFFIX = ".tmp";

    private final Path dir;
    private final long minFreeBytes;
    private final Duration orphanMinAge;
    private final Clock clock;

    public DirectoryFeatureStore(VlmProperties properties, Clock clock) {
        this.dir = properties.storage().featuresDir();
        this.minFreeBytes = properties.storage().minFreeBytes();
        this.orphanMinAge = properties.storage().orphanMinAge();
        this.clock = clock;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create vlm.storage.features-dir " + dir, e);
        }
    }

    /**
     * @throws IOException when the disk is too full (the features dir's file system would keep less than
     *                     vlm.storage.min-free-bytes) or the write fails; nothing is left behind
     */
    @Override
    public void write(String id, Tensor features) throws IOException {
        long needed = TensorCodec.encodedBytes(features.shape());
        long free = Files.getFileStore(dir).getUsableSpace();
        if (free - needed < minFreeBytes) {
            throw new IOException("not enough free disk space: storing " + needed + " bytes would leave "
                    + Math.max(0, free - needed) + " bytes free in the features dir, below vlm.storage.min-free-bytes ("
                    + minFreeBytes + ")");
        }
        Path tmp = dir.resolve(id + "." + UUID.randomUUID() + TMP_SUFFIX);
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
            TensorCodec.write(features, out);
            out.flush();
            channel.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, fileOf(id), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public Tensor read(String id) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(fileOf(id)), 1 << 16)) {
            return TensorCodec.read(in, Integer.MAX_VALUE - 8);
        }
    }

    @Override
    public void delete(String id) throws IOException {
        Files.deleteIfExists(fileOf(id));
    }

    @Override
    public int removeOrphans(Set<String> knownIds) throws IOException {
        Instant cutoff = clock.instant().minus(orphanMinAge);
        int removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                boolean orphan = name.endsWith(TMP_SUFFIX)
                        || name.endsWith(SUFFIX) && !knownIds.contains(name.substring(0, name.length() - SUFFIX.length()));
                if (orphan && lastModifiedBy(file, cutoff) && Files.deleteIfExists(file)) {
                    removed++;
                }
            }
        }
        return removed;
    }

    private static boolean lastModifiedBy(Path file, Instant cutoff) throws IOException {
        try {
            return !Files.getLastModifiedTime(file).toInstant().isAfter(cutoff);
        } catch (NoSuchFileException renamedOrRemovedByAnotherReplica) {
            return false;
        }
    }

    private Path fileOf(String id) {
        return dir.resolve(id + SUFFIX);
    }
}
