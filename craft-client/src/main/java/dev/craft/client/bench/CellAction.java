package dev.craft.client.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/** What {@code craft bench} does with one cell, given what its run directory already holds. */
public enum CellAction {
    /** Start the run. */
    RUN,
    /** Continue an interrupted run (its queries so far are not spent again). */
    RESUME,
    /** The run finished earlier: keep its report.json. */
    SKIP;

    /** What a cell's run directory holds. */
    public record Status(boolean hasConfig, boolean hasCheckpoint, boolean hasReport) {

        public static Status of(Path runDir) {
            return new Status(Files.isRegularFile(runDir.resolve("config.json")),
                    Files.isRegularFile(runDir.resolve("checkpoint/state.cbor")),
                    Files.isRegularFile(runDir.resolve("report.json")));
        }

        boolean started() {
            return hasConfig || hasCheckpoint || hasReport;
        }
    }

    /**
     * The action for a cell. With {@code resume}: a finished run (report.json) is skipped, a started
     * one (config.json, with or without a checkpoint) is resumed, an untouched one is run. Without
     * {@code resume} a started run is an error, so no run is silently overwritten or mixed.
     *
     * @throws IllegalArgumentException when the directory holds a run and {@code resume} is false
     */
    public static CellAction decide(Status status, boolean resume, Path runDir) {
        if (!status.started()) {
            return RUN;
        }
        if (!resume) {
            throw new IllegalArgumentException(runDir + " already holds a " + (status.hasReport() ? "finished" : "started")
                    + " run; use --resume to keep it, or choose another --out");
        }
        if (status.hasReport()) {
            return SKIP;
        }
        if (!status.hasConfig()) {
            throw new IllegalArgumentException(runDir + " has a checkpoint but no config.json; it cannot be resumed "
                    + "(move it away to run the cell again)");
        }
        return RESUME;
    }
}
