package dev.craft.service.model.selection;

import dev.craft.service.model.InvalidBundleException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What {@code vlm.model.bundle} asks for: the bundle embedded in the jar ({@code tiny}), a bundle built by
 * {@code deploy/models/build_bundle.sh} ({@code demo}, {@code bench}), or a bundle directory. Names win over
 * directories of the same name; write {@code ./demo} for a directory called demo.
 *
 * @param kind      which of the three
 * @param name      the bundle name, or the directory as given
 * @param directory where a built bundle or a directory bundle lives; null for the embedded one
 */
public record BundleChoice(Kind kind, String name, Path directory) {

    public enum Kind { EMBEDDED, BUILT, DIRECTORY }

    /** The bundle served when {@code vlm.model.bundle} is empty. */
    public static final String DEFAULT = "demo";
    public static final String EMBEDDED_NAME = "tiny";
    public static final List<String> BUILT_NAMES = List.of("demo", "bench");

    /**
     * @param setting     the value of {@code vlm.model.bundle}; blank = {@link #DEFAULT}
     * @param bundlesHome where built bundles live
     */
    public static BundleChoice parse(String setting, Path bundlesHome) {
        String value = setting == null || setting.isBlank() ? DEFAULT : setting.strip();
        if (value.equals(EMBEDDED_NAME)) {
            return new BundleChoice(Kind.EMBEDDED, value, null);
        }
        if (BUILT_NAMES.contains(value)) {
            return new BundleChoice(Kind.BUILT, value, bundlesHome.resolve(value));
        }
        Path dir = Path.of(value);
        if (Files.isDirectory(dir)) {
            return new BundleChoice(Kind.DIRECTORY, value, dir.toAbsolutePath().normalize());
        }
        if (!dir.isAbsolute() && dir.getNameCount() == 1 && !value.startsWith(".")) {
            throw new InvalidBundleException("vlm.model.bundle must be " + EMBEDDED_NAME + ", "
                    + String.join(", ", BUILT_NAMES) + " or a bundle directory; '" + value + "' is none of these"
                    + " (no directory " + dir.toAbsolutePath() + ")");
        }
        throw new InvalidBundleException("vlm.model.bundle: bundle directory " + dir.toAbsolutePath()
                + " does not exist");
    }

    /**
     * {@code vlm.model.bundle}, or the deprecated {@code vlm.model.bundle-dir} when only that is set.
     */
    public static BundleChoice parse(String bundle, Path deprecatedBundleDir, Path bundlesHome) {
        if (deprecatedBundleDir == null || deprecatedBundleDir.toString().isBlank()) {
            return parse(bundle, bundlesHome);
        }
        if (bundle != null && !bundle.isBlank()) {
            throw new InvalidBundleException("both vlm.model.bundle (" + bundle + ") and its deprecated alias "
                    + "vlm.model.bundle-dir (" + deprecatedBundleDir + ") are set; keep only vlm.model.bundle");
        }
        if (!Files.isDirectory(deprecatedBundleDir)) {
            throw new InvalidBundleException("vlm.model.bundle-dir: bundle directory "
                    + deprecatedBundleDir.toAbsolutePath() + " does not exist");
        }
        return new BundleChoice(Kind.DIRECTORY, deprecatedBundleDir.toString(),
                deprecatedBundleDir.toAbsolutePath().normalize());
    }

    /** {@code vlm.model.bundles-home} when set, else {@code $CRAFT_CACHE/bundles}, else {@code ~/.cache/craft/bundles}. */
    public static Path bundlesHome(Path configured, Map<String, String> environment, String userHome) {
        if (configured != null && !configured.toString().isBlank()) {
            return configured.toAbsolutePath().normalize();
        }
        String cache = environment.get("CRAFT_CACHE");
        Path root = cache != null && !cache.isBlank() ? Path.of(cache) : Path.of(userHome, ".cache", "craft");
        return root.resolve("bundles").toAbsolutePath().normalize();
    }
}
