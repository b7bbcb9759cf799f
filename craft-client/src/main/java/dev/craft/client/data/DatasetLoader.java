package dev.craft.client.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads a classification task from disk, in one of two layouts:
 * <ul>
 *   <li>ImageFolder: {@code DIR/train/<class>/*} and {@code DIR/test/<class>/*}, optional
 *       {@code DIR/classnames.txt}; see {@link ImageFolderLoader} and {@link ClassNamesFile}.</li>
 *   <li>CoOp: a {@code split_zhou_*.json} plus the images under {@code DIR/images} (or {@code DIR});
 *       see {@link CoopSplitLoader}.</li>
 * </ul>
 * An explicit split file selects the CoOp layout. Without one, ImageFolder is used when
 * {@code DIR/train} and {@code DIR/test} exist, else the single {@code split_zhou_*.json} in {@code DIR}.
 * Image files: jpg, jpeg, png, bmp, gif, webp, tif, tiff (any case); hidden files are skipped.
 */
public final class DatasetLoader {

    private DatasetLoader() {
    }

    /**
     * @param dir       the dataset folder
     * @param splitFile a CoOp split file, or null to detect the layout
     * @throws DatasetException when the dataset cannot be loaded; the message says why, in one line
     */
    public static TaskData load(Path dir, Path splitFile) {
        if (dir == null) {
            throw new DatasetException("no dataset folder given");
        }
        if (!Files.exists(dir)) {
            throw new DatasetException("dataset folder " + dir + " does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new DatasetException("dataset path " + dir + " is not a folder");
        }
        if (splitFile != null) {
            if (!Files.isRegularFile(splitFile)) {
                throw new DatasetException("split file " + splitFile + " does not exist");
            }
            return CoopSplitLoader.load(dir, splitFile);
        }
        if (ImageFolderLoader.matches(dir)) {
            return ImageFolderLoader.load(dir);
        }
        Path found = CoopSplitLoader.findSplit(dir);
        if (found != null) {
            return CoopSplitLoader.load(dir, found);
        }
        throw new DatasetException("unknown dataset layout in " + dir + ": expected " + dir.resolve("train") + " and "
                + dir.resolve("test") + " with one folder per class, or a split_zhou_*.json (in the folder or given"
                + " explicitly) with the images under " + dir.resolve(CoopSplitLoader.IMAGE_SUBDIR) + " or " + dir);
    }
}
