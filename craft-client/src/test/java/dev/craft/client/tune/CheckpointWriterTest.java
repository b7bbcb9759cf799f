package dev.craft.client.tune;

import dev.craft.api.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckpointWriterTest {

    private static RunCheckpoint checkpoint(int round) {
        return new RunCheckpoint(round, 40L * round, 1, 0.25, 0.5, 1.5, new double[] {round, -round}, null, null,
                1000L * round, round, null, null);
    }

    /** A run directory; the writer only needs it to exist (open() checks for config.json). */
    private static RunDirectory runDirectory(Path root) throws Exception {
        Files.writeString(root.resolve("config.json"), "{}");
        return RunDirectory.open(root);
    }

    @Test
    void everySubmittedCheckpointIsOnDiskOnceFinished(@TempDir Path root) throws Exception {
        RunDirectory dir = runDirectory(root);
        try (CheckpointWriter writer = new CheckpointWriter(dir)) {
            for (int round = 1; round <= 5; round++) {
                writer.submit(checkpoint(round), new Tensor(new int[] {2, 2}, new float[] {round, 0, 0, round}));
                if (round > 1) {
                    // the previous round's write had finished before this one was accepted
                    assertThat(dir.loadCheckpoint()).isPresent();
                    assertThat(dir.loadCheckpoint().get().round()).isBetween(round - 1, round);
                }
            }
            writer.finish();
            RunCheckpoint last = dir.loadCheckpoint().orElseThrow();
            assertThat(last.round()).isEqualTo(5);
            assertThat(last.currentZ()).containsExactly(5, -5);
            assertThat(dir.loadCurrentLogits(5).orElseThrow().data()).containsExactly(5, 0, 0, 5);
            try (var files = Files.list(root.resolve("checkpoint"))) {
                assertThat(files.map(f -> f.getFileName().toString()))
                        .containsExactlyInAnyOrder("state.cbor", "current-logits-5.tensor");
            }
        }
    }

    @Test
    void aFailedWriteIsThrownToTheLoopNotLost(@TempDir Path root) throws Exception {
        Files.writeString(root.resolve("checkpoint"), "a file where the checkpoint directory belongs");
        CheckpointWriter writer = new CheckpointWriter(runDirectory(root));
        writer.submit(checkpoint(1), null);
        assertThatThrownBy(writer::finish).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("cannot write the checkpoint in " + root);
        writer.submit(checkpoint(2), null);
        assertThatThrownBy(writer::close).isInstanceOf(UncheckedIOException.class);
    }
}
