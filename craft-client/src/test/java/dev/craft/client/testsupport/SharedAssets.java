package dev.craft.client.testsupport;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the project's {@code shared/} folder for tests: system property {@code craft.shared.dir} (set by the root
 * pom's surefire configuration), else {@code ../../shared} relative to the module directory. Tests that need a file
 * from it are skipped, not failed, where it is absent.
 */
public final class SharedAssets {

    public static final String PROPERTY = "craft.shared.dir";

    private SharedAssets() {
    }

    public static Path root() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path moduleDir = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
        return moduleDir.resolve("../../shared").toAbsolutePath().normalize();
    }

    /** The file or folder at {@code relative} inside shared/; skips the calling test when it does not exist. */
    public static Path require(String relative) {
        Path path = root().resolve(relative);
        assumeTrue(Files.exists(path), () -> "Skipped: shared asset " + path + " not found (set -D" + PROPERTY
                + " to the shared/ folder)");
        return path;
    }
}
