package dev.craft.client.bench;

import dev.craft.client.tune.TuneReport;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** Reads what a run directory says about itself: report.json, else config.json (for labels). */
public final class Reports {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Reports() {
    }

    /** RUN_DIR/report.json. */
    public static TuneReport read(Path runDir) throws IOException {
        Path file = runDir.resolve("report.json");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(runDir + " has no report.json (the run has not finished)");
        }
        try {
            return JSON.readValue(Files.readString(file), TuneReport.class);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(file + " is not a run report: " + e.getOriginalMessage());
        }
    }

    /** report.json if the run finished. */
    static Optional<TuneReport> readIfPresent(Path runDir) throws IOException {
        return Files.isRegularFile(runDir.resolve("report.json")) ? Optional.of(read(runDir)) : Optional.empty();
    }

    /** "craft 16-shot seed 1" from report.json or config.json, else the directory name. */
    static String runLabel(Path runDir) throws IOException {
        for (String name : new String[] {"report.json", "config.json"}) {
            Path file = runDir.resolve(name);
            if (!Files.isRegularFile(file)) {
                continue;
            }
            try {
                JsonNode node = JSON.readTree(Files.readString(file));
                JsonNode method = node.get("method");
                JsonNode shots = node.get("shots");
                JsonNode seed = node.get("seed");
                if (method != null && shots != null && seed != null) {
                    return String.format(Locale.ROOT, "%s %d-shot seed %d", method.asString().toLowerCase(Locale.ROOT),
                            shots.asInt(), seed.asLong());
                }
            } catch (JacksonException e) {
                // fall through to the next source
            }
        }
        Path name = runDir.toAbsolutePath().normalize().getFileName();
        return name == null ? runDir.toString() : name.toString();
    }
}
