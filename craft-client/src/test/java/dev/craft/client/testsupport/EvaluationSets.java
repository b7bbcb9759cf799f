package dev.craft.client.testsupport;

import dev.craft.client.data.DatasetLoader;
import dev.craft.client.data.LabeledImage;
import dev.craft.client.data.TaskData;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The test images of the datasets a bundle's build_report.json names, found by the prefix of its {@code dataset}
 * string: "DTD-10" (CoOp test split, ../shared), "Fashion-MNIST" and "MNIST" ($CRAFT_CACHE/datasets, exported by
 * the bundle build), "ImageNet" (the 1,000-image sample in ../shared, class names from imagenet_classes.tsv).
 * At most {@code perClass} images of each class are kept (the first in file-name order).
 */
public final class EvaluationSets {

    /** Labelled test images and the class names, in label order. */
    public record EvaluationSet(String source, List<String> classNames, List<LabeledImage> images) {
    }

    private EvaluationSets() {
    }

    /** Empty when the dataset is unknown or its files are not on this machine; {@code why} then says which. */
    public static Optional<EvaluationSet> find(String dataset, int perClass, List<String> why) {
        Path shared = SharedAssets.root().resolve("assets");
        if (dataset.startsWith("DTD-10")) {
            Path images = shared.resolve("datasets/dtd10");
            Path split = shared.resolve("coop-splits/split_zhou_DescribableTextures.json");
            return present(why, images, split)
                    ? Optional.of(capped(images.toString(), DatasetLoader.load(images, split), perClass))
                    : Optional.empty();
        }
        for (String[] exported : new String[][] {{"Fashion-MNIST", "fashion-mnist"}, {"MNIST", "mnist"}}) {
            if (dataset.startsWith(exported[0])) {
                Path dir = CraftCache.datasets().resolve(exported[1]);
                return present(why, dir) ? Optional.of(capped(dir.toString(), DatasetLoader.load(dir, null), perClass))
                        : Optional.empty();
            }
        }
        if (dataset.startsWith("ImageNet")) {
            Path images = shared.resolve("datasets/imagenet-sample");
            Path classes = shared.resolve("vision/imagenet_classes.tsv");
            return present(why, images, classes) ? Optional.of(imagenetSample(images, classes)) : Optional.empty();
        }
        why.add(dataset + ": no test images known for this name");
        return Optional.empty();
    }

    private static boolean present(List<String> why, Path... paths) {
        for (Path path : paths) {
            if (!Files.exists(path)) {
                why.add(path + " not found");
                return false;
            }
        }
        return true;
    }

    private static EvaluationSet capped(String source, TaskData task, int perClass) {
        Map<Integer, List<LabeledImage>> byClass = new HashMap<>();
        task.test().forEach(image -> byClass.computeIfAbsent(image.label(), l -> new ArrayList<>()).add(image));
        List<LabeledImage> kept = new ArrayList<>();
        for (int label = 0; label < task.classCount(); label++) {
            List<LabeledImage> images = new ArrayList<>(byClass.getOrDefault(label, List.of()));
            images.sort((a, b) -> a.file().toString().compareTo(b.file().toString()));
            kept.addAll(images.subList(0, Math.min(perClass, images.size())));
        }
        return new EvaluationSet(source, task.classNames(), kept);
    }

    /**
     * {@code <wnid>_<name>.jpg} files; the label is the wnid's line in imagenet_classes.tsv ({@code wnid<TAB>name}).
     * The service refuses class names that differ only in case, and the file names three classes twice (cardigan,
     * crane, maillot): a repeated name gets its wnid appended, e.g. "crane (n03126707)".
     */
    private static EvaluationSet imagenetSample(Path dir, Path classesTsv) {
        try {
            List<String> names = new ArrayList<>();
            Map<String, Integer> labelOf = new HashMap<>();
            for (String line : Files.readAllLines(classesTsv)) {
                if (!line.isBlank()) {
                    String[] fields = line.split("\t", 2);
                    String name = fields[1].strip();
                    boolean repeated = names.stream().anyMatch(n -> n.equalsIgnoreCase(name));
                    labelOf.put(fields[0], names.size());
                    names.add(repeated ? name + " (" + fields[0] + ")" : name);
                }
            }
            List<LabeledImage> images = new ArrayList<>();
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.sorted().toList()) {
                    Integer label = labelOf.get(file.getFileName().toString().split("_", 2)[0]);
                    if (label == null) {
                        throw new IllegalStateException(file + " names no class of " + classesTsv);
                    }
                    images.add(new LabeledImage(file, label));
                }
            }
            return new EvaluationSet(dir.toString(), names, images);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
