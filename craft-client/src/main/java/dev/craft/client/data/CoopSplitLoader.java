package dev.craft.client.data;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A CoOp split file ({@code {"train": [[relpath, label, classname], ...], "val": [...], "test": [...]}})
 * plus an image root: {@code DIR/images} when that folder exists, else {@code DIR} itself. Paths in
 * the split are relative to the image root.
 * <p>
 * A class is kept when a folder its images are listed in exists under the image root (for files listed
 * without a folder, the image root itself), so a subset such as DTD-10 loads with the full split file.
 * Kept labels are renumbered 0..K-1 in the order of the original labels. "val" is ignored: training
 * draws from "train", evaluation uses "test". Images keep the split file's order.
 */
final class CoopSplitLoader {

    static final String IMAGE_SUBDIR = "images";
    private static final String SPLIT_GLOB = "split_zhou_*.json";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private CoopSplitLoader() {
    }

    /** The single {@code split_zhou_*.json} in {@code dir}, or null when there is none. */
    static Path findSplit(Path dir) {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, SPLIT_GLOB)) {
            files.forEach(found::add);
        } catch (IOException e) {
            throw new DatasetException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        if (found.size() > 1) {
            throw new DatasetException(dir + " holds " + found.size() + " split files " + found.stream()
                    .map(p -> p.getFileName().toString()).sorted().toList() + "; name the one to use explicitly");
        }
        return found.isEmpty() ? null : found.get(0);
    }

    static Path imageRoot(Path dir) {
        Path images = dir.resolve(IMAGE_SUBDIR);
        return Files.isDirectory(images) ? images : dir;
    }

    static TaskData load(Path dir, Path splitFile) {
        Path root = imageRoot(dir).toAbsolutePath().normalize();
        String source = splitFile.getFileName().toString();
        JsonNode split = readSplit(splitFile);
        List<Entry> train = entries(split, "train", source);
        List<Entry> test = entries(split, "test", source);
        if (train.isEmpty()) {
            throw new DatasetException(source + " lists no \"train\" images");
        }

        Map<Integer, String> allClasses = new TreeMap<>();
        Map<Integer, Boolean> present = new TreeMap<>();
        for (List<Entry> part : List.of(train, test)) {
            for (Entry e : part) {
                String previous = allClasses.putIfAbsent(e.label, e.className);
                if (previous != null && !previous.equals(e.className)) {
                    throw new DatasetException(source + ": label " + e.label + " is named both '" + previous
                            + "' and '" + e.className + "'");
                }
                Path folder = resolve(root, e, source).getParent();
                present.merge(e.label, Files.isDirectory(folder), Boolean::logicalOr);
            }
        }
        Map<Integer, Integer> relabel = new TreeMap<>();
        List<String> classNames = new ArrayList<>();
        allClasses.forEach((label, name) -> {
            if (present.get(label)) {
                relabel.put(label, classNames.size());
                classNames.add(ClassNames.fromIdentifier(name));
            }
        });
        if (classNames.isEmpty()) {
            throw new DatasetException("none of the " + allClasses.size() + " classes of " + source
                    + " has its image folder under " + root + " (e.g. " + resolve(root, train.get(0), source).getParent()
                    + "); is that the image root?");
        }
        Set<Integer> trainLabels = new HashSet<>();
        train.forEach(e -> trainLabels.add(e.label));
        for (Entry e : test) {
            if (relabel.containsKey(e.label) && !trainLabels.contains(e.label)) {
                throw new DatasetException(source + ": test class '" + e.className + "' (label " + e.label
                        + ") has no training images");
            }
        }
        ClassNames.requireDistinct(classNames, source);
        return new TaskData(classNames, images(train, relabel, root, source), images(test, relabel, root, source));
    }

    private static List<LabeledImage> images(List<Entry> entries, Map<Integer, Integer> relabel, Path root,
                                             String source) {
        List<LabeledImage> images = new ArrayList<>();
        for (Entry e : entries) {
            Integer label = relabel.get(e.label);
            if (label == null) {
                continue;
            }
            Path file = resolve(root, e, source);
            if (!Files.isRegularFile(file)) {
                throw new DatasetException(source + " lists " + e.part + " image " + file + " of class '"
                        + e.className + "', but that file does not exist");
            }
            images.add(new LabeledImage(file, label));
        }
        return images;
    }

    private static Path resolve(Path root, Entry e, String source) {
        Path file = root.resolve(e.path).normalize();
        if (!file.startsWith(root) || file.equals(root)) {
            throw new DatasetException(source + ": " + e.part + " path '" + e.path + "' points outside " + root);
        }
        return file;
    }

    private static JsonNode readSplit(Path splitFile) {
        try {
            JsonNode split = JSON.readTree(splitFile);
            if (split == null || !split.isObject()) {
                throw new DatasetException(splitFile + " is not a CoOp split: expected a JSON object with"
                        + " \"train\" and \"test\" arrays");
            }
            return split;
        } catch (JacksonException e) {
            throw new DatasetException("cannot read split file " + splitFile + ": " + e.getOriginalMessage(), e);
        }
    }

    private static List<Entry> entries(JsonNode split, String part, String source) {
        JsonNode array = split.get(part);
        if (array == null || !array.isArray()) {
            throw new DatasetException(source + " has no \"" + part + "\" array; expected {\"train\": [[relpath,"
                    + " label, classname], ...], \"test\": [...]}");
        }
        List<Entry> entries = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonNode row = array.get(i);
            if (!row.isArray() || row.size() != 3 || !row.get(0).isString() || !row.get(1).isInt()
                    || row.get(1).intValue() < 0 || !row.get(2).isString()) {
                throw new DatasetException(source + ": " + part + "[" + i + "] must be [relative path, label >= 0,"
                        + " class name], got " + row);
            }
            entries.add(new Entry(part, row.get(0).stringValue(), row.get(1).intValue(), row.get(2).stringValue()));
        }
        return entries;
    }

    private record Entry(String part, String path, int label, String className) {
    }
}
