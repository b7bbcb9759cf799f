package dev.craft.client.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Draws a k-shot training set: for each class, in label order, its images sorted by path are shuffled
 * with one {@code java.util.Random(seed)} shared by all classes ({@link Collections#shuffle(List, java.util.Random)};
 * both algorithms are specified by the JDK, so a seed gives the same set on every JVM), and the first
 * {@code shots} are taken. A class with fewer images than {@code shots} contributes all of them and a
 * warning, as CoOp's sampler does. The result is ordered by label, then path.
 */
public final class FewShotSampler {

    private static final System.Logger LOG = System.getLogger(FewShotSampler.class.getName());
    private static final Comparator<LabeledImage> BY_PATH = Comparator.comparing(i -> i.file().toString());

    private FewShotSampler() {
    }

    /** As {@link #sample(List, int, long, Consumer)}, with warnings logged. */
    public static List<LabeledImage> sample(List<LabeledImage> train, int shots, long seed) {
        return sample(train, shots, seed, message -> LOG.log(System.Logger.Level.WARNING, message));
    }

    /**
     * @param train    the training pool
     * @param shots    images per class, at least 1
     * @param seed     the sampling seed
     * @param warnings receives one line per class that has fewer than {@code shots} images
     */
    public static List<LabeledImage> sample(List<LabeledImage> train, int shots, long seed, Consumer<String> warnings) {
        if (shots < 1) {
            throw new IllegalArgumentException("shots must be at least 1, got " + shots);
        }
        if (train.isEmpty()) {
            throw new IllegalArgumentException("cannot sample a few-shot set from an empty training set");
        }
        Map<Integer, List<LabeledImage>> byLabel = new TreeMap<>();
        train.forEach(image -> byLabel.computeIfAbsent(image.label(), l -> new ArrayList<>()).add(image));
        java.util.Random random = new java.util.Random(seed);
        List<LabeledImage> sample = new ArrayList<>();
        byLabel.forEach((label, images) -> {
            images.sort(BY_PATH);
            Collections.shuffle(images, random);
            if (images.size() < shots) {
                warnings.accept("class " + label + " has only " + images.size() + " training image(s) for "
                        + shots + " shots; using all of them");
            }
            List<LabeledImage> chosen = new ArrayList<>(images.subList(0, Math.min(shots, images.size())));
            chosen.sort(BY_PATH);
            sample.addAll(chosen);
        });
        return List.copyOf(sample);
    }
}
