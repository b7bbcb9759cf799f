package dev.craft.service.model.selection;

import dev.craft.service.VlmServiceApplication;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.system.ApplicationHome;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code deploy/models/build_bundle.sh <name>}, which builds the bundles {@code demo} and {@code bench} into
 * {@code $CRAFT_CACHE/bundles/<name>}. Found at {@code vlm.model.build-script}, else next to the running jar
 * (the jar is {@code <repo>/vlm-service/target/vlm-service.jar}) or under the working directory.
 */
public final class BuildScript {

    public static final String RELATIVE_PATH = "deploy/models/build_bundle.sh";

    private static final Logger log = LoggerFactory.getLogger(BuildScript.class);

    private final Path file;

    private BuildScript(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /**
     * @param configured {@code vlm.model.build-script}; when set, it must exist and no other place is tried
     * @param candidates the places tried otherwise, in order
     */
    public static Optional<BuildScript> find(Path configured, List<Path> candidates) {
        if (configured != null && !configured.toString().isBlank()) {
            if (!Files.isRegularFile(configured)) {
                throw new BundleUnavailableException("vlm.model.build-script " + configured.toAbsolutePath()
                        + " does not exist");
            }
            return Optional.of(new BuildScript(configured.toAbsolutePath().normalize()));
        }
        return candidates.stream().filter(Files::isRegularFile).findFirst()
                .map(found -> new BuildScript(found.toAbsolutePath().normalize()));
    }

    /** The places tried when vlm.model.build-script is not set: {@link #candidates} for the running jar. */
    public static List<Path> defaultCandidates() {
        // null in unit tests and when the code source is unknown; then only the working directory is tried
        java.io.File jar = new ApplicationHome(VlmServiceApplication.class).getSource();
        return candidates(jar == null ? null : jar.toPath(), Path.of(""));
    }

    /**
     * The repository root above the jar (which a build leaves in {@code <repo>/vlm-service/target/}), then the
     * working directory.
     */
    static List<Path> candidates(Path jar, Path workingDir) {
        List<Path> candidates = new ArrayList<>();
        if (jar != null && jar.toAbsolutePath().getParent() != null) {
            candidates.add(jar.toAbsolutePath().getParent().resolve("../..").resolve(RELATIVE_PATH).normalize());
        }
        Path inWorkingDir = workingDir.resolve(RELATIVE_PATH).toAbsolutePath().normalize();
        if (!candidates.contains(inWorkingDir)) {
            candidates.add(inWorkingDir);
        }
        return candidates;
    }

    /**
     * Runs the script for {@code name} with {@code CRAFT_CACHE} set to the parent of {@code bundlesHome} (which must
     * be a folder called {@code bundles}), logging each line it prints.
     *
     * @throws BundleUnavailableException when the script fails; the message ends with its last line of output
     */
    public void build(String name, Path bundlesHome) {
        ProcessBuilder builder = new ProcessBuilder("bash", file.toString(), name)
                .directory(file.getParent().resolve("../..").normalize().toFile())
                .redirectErrorStream(true);
        builder.environment().put("CRAFT_CACHE", bundlesHome.getParent().toString());
        log.info("Model bundle '{}' is not built in {}; building it now: bash {} {} (CRAFT_CACHE={})", name,
                bundlesHome, file, name, bundlesHome.getParent());
        long start = System.nanoTime();
        String lastLine = "(no output)";
        int exit;
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    log.info("{}: {}", file.getFileName(), line);
                    if (!line.isBlank()) {
                        lastLine = line.strip();
                    }
                }
            }
            exit = process.waitFor();
        } catch (IOException e) {
            throw new BundleUnavailableException("cannot run " + file + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BundleUnavailableException("interrupted while building model bundle '" + name + "' with " + file, e);
        }
        if (exit != 0) {
            throw new BundleUnavailableException("building model bundle '" + name + "' with bash " + file + " " + name
                    + " failed (exit " + exit + "): " + lastLine + " (full output in the log above)");
        }
        log.info("Built model bundle '{}' in {} s", name, (System.nanoTime() - start) / 1_000_000_000);
    }
}
