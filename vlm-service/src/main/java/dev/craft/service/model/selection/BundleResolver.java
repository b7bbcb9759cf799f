package dev.craft.service.model.selection;

import dev.craft.service.model.EmbeddedBundle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Turns a {@link BundleChoice} into a directory to load. A built bundle ({@code demo}, {@code bench}) that is
 * missing is built once with {@code deploy/models/build_bundle.sh} when that script can be found; otherwise, or
 * when the build fails, start-up stops with a one-line message. There is no fallback to another bundle.
 */
public final class BundleResolver {

    /** build_bundle.sh writes this file last; a bundle directory without it is incomplete. */
    public static final String COMPLETE_MARKER = ".complete";

    private final Path embeddedDir;
    private final Path configuredScript;
    private final List<Path> scriptCandidates;

    /**
     * @param embeddedDir      where the embedded bundle is extracted
     * @param configuredScript {@code vlm.model.build-script}, or null
     * @param scriptCandidates where the build script is looked for when none is configured
     */
    public BundleResolver(Path embeddedDir, Path configuredScript, List<Path> scriptCandidates) {
        this.embeddedDir = embeddedDir;
        this.configuredScript = configuredScript;
        this.scriptCandidates = List.copyOf(scriptCandidates);
    }

    public ResolvedBundle resolve(BundleChoice choice) {
        return switch (choice.kind()) {
            case EMBEDDED -> new ResolvedBundle(choice, extractEmbedded(), ResolvedBundle.EMBEDDED_SOURCE);
            case DIRECTORY -> new ResolvedBundle(choice, choice.directory(), choice.directory().toString());
            case BUILT -> new ResolvedBundle(choice, built(choice), choice.directory().toString());
        };
    }

    public static boolean isBuilt(Path bundleDir) {
        return Files.isRegularFile(bundleDir.resolve(COMPLETE_MARKER));
    }

    private Path extractEmbedded() {
        try {
            return EmbeddedBundle.extractTo(embeddedDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract the embedded bundle to " + embeddedDir, e);
        }
    }

    private Path built(BundleChoice choice) {
        Path dir = choice.directory();
        if (isBuilt(dir)) {
            return dir;
        }
        Path home = dir.getParent();
        Optional<BuildScript> script = BuildScript.find(configuredScript, scriptCandidates);
        String command = "deploy/models/build_bundle.sh " + choice.name();
        if (script.isEmpty()) {
            throw new BundleUnavailableException("model bundle '" + choice.name() + "' is not built (no " + dir
                    + "/" + COMPLETE_MARKER + ") and the build script was not found (looked for "
                    + scriptCandidates.stream().map(Path::toString).collect(Collectors.joining(", "))
                    + "): build it with `" + command + "` in the CraFT repository (CRAFT_CACHE=" + home.getParent()
                    + "), or start with --vlm.model.bundle=" + BundleChoice.EMBEDDED_NAME + " or a bundle directory");
        }
        if (!home.getFileName().toString().equals("bundles")) {
            throw new BundleUnavailableException("model bundle '" + choice.name() + "' is not built (no " + dir
                    + "/" + COMPLETE_MARKER + "); build_bundle.sh writes to $CRAFT_CACHE/bundles, so it cannot build"
                    + " into vlm.model.bundles-home " + home + ": run `" + command + "` and copy"
                    + " $CRAFT_CACHE/bundles/" + choice.name() + " to " + dir);
        }
        script.get().build(choice.name(), home);
        if (!isBuilt(dir)) {
            throw new BundleUnavailableException(script.get().file() + " " + choice.name() + " succeeded but "
                    + dir + "/" + COMPLETE_MARKER + " does not exist");
        }
        return dir;
    }
}
