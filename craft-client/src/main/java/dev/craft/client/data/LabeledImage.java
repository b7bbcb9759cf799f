package dev.craft.client.data;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One image file and its class.
 *
 * @param file  the image on disk
 * @param label the class index, 0-based, into {@link TaskData#classNames()}
 */
public record LabeledImage(Path file, int label) {

    public LabeledImage {
        Objects.requireNonNull(file, "file");
        if (label < 0) {
            throw new IllegalArgumentException("label must be >= 0, got " + label + " for " + file);
        }
    }
}
