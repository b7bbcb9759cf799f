package dev.craft.service.dataset;

import dev.craft.api.Tensor;
import dev.craft.service.VlmProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class FeatureStoreTest {

    @TempDir
    Path dataDir;

    private FeatureStore store() {
        return new FeatureStore(new VlmProperties(dataDir, null, null, null, null, null, new VlmProperties.Storage(1)));
    }

    @Test
    void writesAtomicallyAndReadsBack() throws Exception {
        FeatureStore store = store();
        Tensor features = new Tensor(new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6});
        store.write("ds_a", features);
        assertThat(store.read("ds_a")).isEqualTo(features);
        try (Stream<Path> files = Files.list(dataDir.resolve("datasets"))) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("ds_a.features");
        }
    }

    @Test
    void startupRemovesWhatACrashLeftButKeepsKnownDatasets() throws Exception {
        FeatureStore store = store();
        store.write("ds_known", new Tensor(new int[] {1, 1}, new float[] {1}));
        store.write("ds_orphan", new Tensor(new int[] {1, 1}, new float[] {2}));
        Files.writeString(dataDir.resolve("datasets/ds_half.tmp"), "half-written");

        assertThat(store.removeOrphans(Set.of("ds_known"))).isEqualTo(2);
        try (Stream<Path> files = Files.list(dataDir.resolve("datasets"))) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("ds_known.features");
        }
    }
}
