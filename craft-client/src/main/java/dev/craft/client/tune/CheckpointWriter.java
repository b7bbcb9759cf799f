package dev.craft.client.tune;

import dev.craft.api.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes a run's checkpoints on a background thread, one at a time, so that encoding the state
 * (about 5 MB at D = 512) and forcing it to disk overlap the next round's query instead of
 * adding to every round.
 *
 * <p>A checkpoint is handed over fully copied ({@link RunCheckpoint} holds snapshots), so the
 * loop may go on changing its state. Submitting waits for the previous write, so the checkpoint on
 * disk is at most one round behind the loop; a run killed in that window resumes from the round
 * before and redoes the last one with the same idempotency keys, which the service answers as
 * replays without a second charge. A failed write is thrown by the next {@link #submit} or by
 * {@link #finish}, never lost.
 */
final class CheckpointWriter implements AutoCloseable {

    private final RunDirectory dir;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "craft-checkpoint");
        thread.setDaemon(true);
        return thread;
    });
    private Future<?> pending;

    CheckpointWriter(RunDirectory dir) {
        this.dir = dir;
    }

    /** Starts writing this checkpoint once the previous one is on disk. */
    void submit(RunCheckpoint checkpoint, Tensor currentLogits) {
        finish();
        pending = executor.submit(() -> {
            dir.saveCheckpoint(checkpoint, currentLogits);
            return null;
        });
    }

    /** Waits until the last submitted checkpoint is on disk; rethrows its failure. */
    void finish() {
        if (pending == null) {
            return;
        }
        Future<?> writing = pending;
        pending = null;
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    writing.get();
                    return;
                } catch (InterruptedException e) {
                    // the checkpoint must be complete before anyone reads the run directory
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw new UncheckedIOException("cannot write the checkpoint in " + dir.root(), io);
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("checkpoint writer failed", cause);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits for the last checkpoint, then stops the thread. */
    @Override
    public void close() {
        try {
            finish();
        } finally {
            executor.shutdown();
        }
    }
}
