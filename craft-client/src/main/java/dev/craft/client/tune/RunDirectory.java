package dev.craft.client.tune;

import dev.craft.api.Tensor;
import dev.craft.api.TensorCodec;
import dev.craft.client.io.AtomicFiles;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.cbor.CBORMapper;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * RUN_DIR: config.json, metrics.csv (one row per round), checkpoint/ (state after the last completed
 * round), report.json and tuned/. Every file is written atomically.
 */
public final class RunDirectory {

    static final JsonMapper JSON = JsonMapper.builder().build();
    /** Checkpoints are binary (CBOR): the covariance and MLP state are written every round. */
    private static final CBORMapper CBOR = CBORMapper.builder().build();

    private final Path root;

    private RunDirectory(Path root) {
        this.root = root;
    }

    /** A new run; refuses a directory that already holds one. */
    public static RunDirectory create(Path root, TuneConfig config) throws IOException {
        if (Files.exists(root.resolve("config.json"))) {
            throw new TuneException(root + " already holds a run; use --resume to continue it or choose another --out");
        }
        Files.createDirectories(root);
        RunDirectory dir = new RunDirectory(root);
        AtomicFiles.write(dir.config(), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(config));
        AtomicFiles.write(dir.metrics(), (RoundMetrics.HEADER + "\n").getBytes(StandardCharsets.UTF_8));
        return dir;
    }

    /** An existing run, for --resume. */
    public static RunDirectory open(Path root) {
        if (!Files.isRegularFile(root.resolve("config.json"))) {
            throw new TuneException("no run to resume in " + root + " (config.json is missing)");
        }
        return new RunDirectory(root);
    }

    public Path root() {
        return root;
    }

    public Path tuned() {
        return root.resolve("tuned");
    }

    public TuneConfig readConfig() throws IOException {
        return JSON.readValue(config().toFile(), TuneConfig.class);
    }

    public void appendMetrics(RoundMetrics row) throws IOException {
        Files.writeString(metrics(), row.toCsv() + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    public List<RoundMetrics> readMetrics() throws IOException {
        List<RoundMetrics> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(metrics());
        for (String line : lines.subList(1, lines.size())) {
            if (!line.isBlank()) {
                rows.add(RoundMetrics.parse(line));
            }
        }
        return rows;
    }

    /** Drops rows of rounds after the checkpoint (written before a crash that lost their checkpoint). */
    public void keepMetricsUpTo(int rounds) throws IOException {
        StringBuilder kept = new StringBuilder(RoundMetrics.HEADER).append('\n');
        for (RoundMetrics row : readMetrics()) {
            if (row.round() <= rounds) {
                kept.append(row.toCsv()).append('\n');
            }
        }
        AtomicFiles.write(metrics(), kept.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Saves the state after a round: the logits file first, then state.cbor naming it, so the
     * checkpoint on disk is always complete; older logits files are removed afterwards.
     */
    public void saveCheckpoint(RunCheckpoint checkpoint, Tensor currentLogits) throws IOException {
        Path dir = root.resolve("checkpoint");
        Files.createDirectories(dir);
        String logitsName = "current-logits-" + checkpoint.round() + ".tensor";
        if (currentLogits != null) {
            AtomicFiles.write(dir.resolve(logitsName), out -> TensorCodec.write(currentLogits, out));
        }
        AtomicFiles.write(dir.resolve("state.cbor"), CBOR.writeValueAsBytes(checkpoint));
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.startsWith("current-logits-") && !name.equals(logitsName)) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    public Optional<RunCheckpoint> loadCheckpoint() throws IOException {
        Path state = root.resolve("checkpoint/state.cbor");
        if (!Files.isRegularFile(state)) {
            return Optional.empty();
        }
        return Optional.of(CBOR.readValue(state.toFile(), RunCheckpoint.class));
    }

    /**
     * Saves the training logits of the prompt that ended search stage {@code view} ({@code --views}),
     * before any checkpoint names that view.
     */
    public void saveViewLogits(int view, Tensor logits) throws IOException {
        Path dir = root.resolve("checkpoint");
        Files.createDirectories(dir);
        AtomicFiles.write(dir.resolve(viewLogitsName(view)), out -> TensorCodec.write(logits, out));
    }

    /** The training logits saved by {@link #saveViewLogits}. */
    public Tensor loadViewLogits(int view) throws IOException {
        Path file = root.resolve("checkpoint").resolve(viewLogitsName(view));
        if (!Files.isRegularFile(file)) {
            throw new IOException("the checkpoint names view " + view + " but " + file + " is missing");
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            return TensorCodec.read(in, Integer.MAX_VALUE - 8);
        }
    }

    private static String viewLogitsName(int view) {
        return "view-logits-" + view + ".tensor";
    }

    /** The current prompt's training logits saved with checkpoint {@code round}, if any. */
    public Optional<Tensor> loadCurrentLogits(int round) throws IOException {
        Path file = root.resolve("checkpoint/current-logits-" + round + ".tensor");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            return Optional.of(TensorCodec.read(in, Integer.MAX_VALUE - 8));
        }
    }

    public void writeReport(TuneReport report) throws IOException {
        AtomicFiles.write(root.resolve("report.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(report));
    }

    public TuneReport readReport() throws IOException {
        return JSON.readValue(root.resolve("report.json").toFile(), TuneReport.class);
    }

    private Path config() {
        return root.resolve("config.json");
    }

    private Path metrics() {
        return root.resolve("metrics.csv");
    }
}
