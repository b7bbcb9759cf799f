package dev.craft.client.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code DIR/train/<class>/*} and {@code DIR/test/<class>/*}. Labels follow the sorted names of the train
 * class folders; every test class folder must also exist under train (a train class may have no test
 * folder). Class names come from the folder names ("_" read as a space) or from
 * {@code DIR/classnames.txt} (see {@link ClassNamesFile}).
 */
final class ImageFolderLoader {

    private ImageFolderLoader() {
    }

    static boolean matches(Path dir) {
        return Files.isDirectory(dir.resolve("train")) && Files.isDirectory(dir.resolve("test"));
    }

    static TaskData load(Path dir) {
        Path trainDir = dir.resolve("train");
        Path testDir = dir.resolve("test");
        List<String> folders = ImageFiles.foldersIn(trainDir).stream().map(p -> p.getFileName().toString()).toList();
        if (folders.isEmpty()) {
            throw new DatasetException("no class folders in " + trainDir + "; expected " + trainDir + "/<class>/<image>");
        }
        Map<String, Integer> labels = new HashMap<>();
        for (int i = 0; i < folders.size(); i++) {
            labels.put(folders.get(i), i);
        }
        List<LabeledImage> train = new ArrayList<>();
        for (String folder : folders) {
            List<Path> images = ImageFiles.imagesIn(trainDir.resolve(folder));
            if (images.isEmpty()) {
                throw new DatasetException("no images in " + trainDir.resolve(folder) + " (extensions: "
                        + String.join(", ", ImageFiles.EXTENSIONS.stream().sorted().toList()) + ")");
            }
            images.forEach(image -> train.add(new LabeledImage(image, labels.get(folder))));
        }
        List<LabeledImage> test = new ArrayList<>();
        for (Path folder : ImageFiles.foldersIn(testDir)) {
            String name = folder.getFileName().toString();
            Integer label = labels.get(name);
            if (label == null) {
                throw new DatasetException("test class folder '" + name + "' has no folder under " + trainDir
                        + "; every test class needs training images");
            }
            ImageFiles.imagesIn(folder).forEach(image -> test.add(new LabeledImage(image, label)));
        }
        if (test.isEmpty()) {
            throw new DatasetException("no test images under " + testDir + "; expected " + testDir + "/<class>/<image>");
        }
        return new TaskData(classNames(dir, folders), train, test);
    }

    private static List<String> classNames(Path dir, List<String> folders) {
        Path file = dir.resolve(ClassNamesFile.FILE_NAME);
        List<String> names = Files.isRegularFile(file)
                ? ClassNamesFile.read(file, folders)
                : folders.stream().map(ClassNames::fromIdentifier).toList();
        ClassNames.requireDistinct(names, Files.isRegularFile(file) ? file.toString() : "the class folder names");
        return names;
    }
}
