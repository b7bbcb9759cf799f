package dev.craft.service.model.selection;

import java.nio.file.Path;

/**
 * The bundle the service serves.
 *
 * @param choice    what was asked for
 * @param directory the directory it is loaded from (for the embedded bundle: where it was extracted)
 * @param source    {@code embedded}, or the bundle directory (shown in {@code GET /v1/model})
 */
public record ResolvedBundle(BundleChoice choice, Path directory, String source) {

    public static final String EMBEDDED_SOURCE = "embedded";
}
