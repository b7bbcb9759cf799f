package dev.craft.client.perf;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Counting the committed tiny bundle's parameters with DJL, as craft bench-perf does. */
class ModelFootprintTest {

    private static final Path TINY = Path.of("../deploy/models/bundles/tiny");

    @Test
    void countsTheTinyBundleAsPyTorchDoes() throws Exception {
        ModelFootprint footprint = ModelFootprint.of(TINY);
        // torch 1.13: sum(p.numel() for p in torch.jit.load(f).parameters()) and np.load(table).size
        assertThat(footprint.parts()).extracting(ModelFootprint.Part::role, ModelFootprint.Part::parameters)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("text encoder", 28_960L),
                        org.assertj.core.groups.Tuple.tuple("image encoder", 33_280L),
                        org.assertj.core.groups.Tuple.tuple("token embedding", 49_408L * 32));
        assertThat(footprint.parameters()).isEqualTo(1_643_296L);
        assertThat(footprint.parameterBytes()).isEqualTo(4 * 1_643_296L);
        assertThat(footprint.fileBytes()).isEqualTo(Files.size(TINY.resolve("text_encoder.pt"))
                + Files.size(TINY.resolve("image_encoder.pt")) + Files.size(TINY.resolve("token_embedding.npy")));
    }

    @Test
    void aFolderWithoutBundleJsonIsRefused() {
        assertThatThrownBy(() -> ModelFootprint.of(TINY.getParent()))
                .hasMessageContaining("is not a model bundle (no bundle.json)");
    }
}
