package dev.craft.client.testsupport;

import java.nio.file.Path;

/**
 * The cache of built model bundles and exported datasets that deploy/models/build_bundle.sh fills:
 * {@code $CRAFT_CACHE}, else {@code ~/.cache/craft}.
 */
public final class CraftCache {

    private CraftCache() {
    }

    public static Path root() {
        String configured = System.getenv("CRAFT_CACHE");
        Path root = configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "craft");
        return root.toAbsolutePath().normalize();
    }

    public static Path bundles() {
        return root().resolve("bundles");
    }

    public static Path datasets() {
        return root().resolve("datasets");
    }
}
