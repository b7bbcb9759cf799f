package dev.craft.service.dataset;

import dev.craft.api.Tensor;
import dev.craft.service.VlmProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class DirectoryFeatureStoreTest {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    @TempDir
    Path dataDir;

    private DirectoryFeatureStore store(Path featuresDir, Duration orphanMinAge) {
        VlmProperties properties = new VlmProperties(dataDir, null, null, null, null, null,
                new VlmProperties.Storage(1, featuresDir, orphanMinAge), null, null);
        return new DirectoryFeatureStore(properties, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private DirectoryFeatureStore store() {
        return store(null, null);
    }

    @Test
    void writesAtomicallyAndReadsBack() throws Exception {
        FeatureStore store = store();
        Tensor features = new Tensor(new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6});
        store.write("ds_a", features);
        assertThat(store.read("ds_a")).isEqualTo(features);
        assertThat(names(dataDir.resolve("datasets"))).containsExactly("ds_a.features");
    }

    @Test
    void writesWhereFeaturesDirPoints() throws Exception {
        Path shared = dataDir.resolve("shared-volume");
        FeatureStore store = store(shared, null);
        store.write("ds_a", new Tensor(new int[] {1, 1}, new float[] {7}));
        assertThat(names(shared)).containsExactly("ds_a.features");
        assertThat(dataDir.resolve("datasets")).doesNotExist();
    }

    @Test
    void startupRemovesWhatACrashLeftButKeepsKnownDatasets() throws Exception {
        FeatureStore store = store();
        store.write("ds_known", new Tensor(new int[] {1, 1}, new float[] {1}));
        store.write("ds_orphan", new Tensor(new int[] {1, 1}, new float[] {2}));
        Files.writeString(dataDir.resolve("datasets/ds_half.tmp"), "half-written by an older version");
        Files.writeString(dataDir.resolve("datasets/ds_other.0b5e.tmp"), "half-written");
        ageAll(dataDir.resolve("datasets"), Duration.ofSeconds(1));

        assertThat(store.removeOrphans(Set.of("ds_known"))).isEqualTo(3);
        assertThat(names(dataDir.resolve("datasets"))).containsExactly("ds_known.features");
    }

    @Test
    void orphansYoungerThanTheMinimumAgeAreLeftToTheReplicaWritingThem() throws Exception {
        FeatureStore store = store(null, Duration.ofHours(1));
        Path dir = dataDir.resolve("datasets");
        store.write("ds_old_orphan", new Tensor(new int[] {1, 1}, new float[] {1}));
        Files.writeString(dir.resolve("ds_old.1234.tmp"), "abandoned");
        ageAll(dir, Duration.ofMinutes(61));
        store.write("ds_uploading", new Tensor(new int[] {1, 1}, new float[] {2}));
        Files.writeString(dir.resolve("ds_writing.5678.tmp"), "being written");
        ageFile(dir.resolve("ds_uploading.features"), Duration.ofMinutes(59));
        ageFile(dir.resolve("ds_writing.5678.tmp"), Duration.ofMinutes(59));

        assertThat(store.removeOrphans(Set.of())).isEqualTo(2);
        assertThat(names(dir)).containsExactlyInAnyOrder("ds_uploading.features", "ds_writing.5678.tmp");
    }

    @Test
    void aWriterNeverTouchesAnotherWritersTemporaryFile() throws Exception {
        FeatureStore store = store();
        Path foreign = dataDir.resolve("datasets/ds_a.written-by-another-replica.tmp");
        Files.writeString(foreign, "another replica's bytes");
        Tensor features = new Tensor(new int[] {1, 2}, new float[] {3, 4});

        store.write("ds_a", features);

        assertThat(Files.readString(foreign)).isEqualTo("another replica's bytes");
        assertThat(store.read("ds_a")).isEqualTo(features);
    }

    @Test
    void concurrentWritersOfOneIdLeaveOneWholeFile() throws Exception {
        FeatureStore first = store();
        FeatureStore second = store();
        Tensor a = new Tensor(new int[] {64, 256}, new float[64 * 256]);
        float[] ones = new float[64 * 256];
        Arrays.fill(ones, 1);
        Tensor b = new Tensor(new int[] {64, 256}, ones);
        CyclicBarrier together = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (Object[] writer : new Object[][] {{first, a}, {second, b}}) {
                writers.add(pool.submit(() -> {
                    for (int i = 0; i < 20; i++) {
                        together.await();
                        ((FeatureStore) writer[0]).write("ds_same", (Tensor) writer[1]);
                    }
                    return null;
                }));
            }
            for (Future<?> writer : writers) {
                writer.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(first.read("ds_same")).isIn(a, b);
        assertThat(names(dataDir.resolve("datasets"))).containsExactly("ds_same.features");
    }

    private static void ageAll(Path dir, Duration age) throws Exception {
        for (String name : names(dir)) {
            ageFile(dir.resolve(name), age);
        }
    }

    private static void ageFile(Path file, Duration age) throws Exception {
        Files.setLastModifiedTime(file, FileTime.from(NOW.minus(age)));
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).toList();
        }
    }
}
