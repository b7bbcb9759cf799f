package dev.craft.client.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/** Which files count as images, and listing of folders in a stable order. */
final class ImageFiles {

    static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "gif", "webp", "tif", "tiff");

    private ImageFiles() {
    }

    static boolean isImage(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return !name.startsWith(".") && dot > 0
                && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT))
                && Files.isRegularFile(file);
    }

    /** Image files directly inside {@code dir}, sorted by file name. */
    static List<Path> imagesIn(Path dir) {
        return list(dir, ImageFiles::isImage);
    }

    /** Sub-folders of {@code dir} (hidden ones skipped), sorted by name. */
    static List<Path> foldersIn(Path dir) {
        return list(dir, p -> Files.isDirectory(p) && !p.getFileName().toString().startsWith("."));
    }

    private static List<Path> list(Path dir, java.util.function.Predicate<Path> keep) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(keep)
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new DatasetException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}
