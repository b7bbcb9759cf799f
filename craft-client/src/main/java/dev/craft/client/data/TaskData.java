package dev.craft.client.data;

import java.util.List;

/**
 * A classification task as loaded from disk.
 *
 * @param classNames the class names, indexed by label
 * @param train      the training images (the pool few-shot sets are drawn from)
 * @param test       the test images
 */
public record TaskData(List<String> classNames, List<LabeledImage> train, List<LabeledImage> test) {

    public TaskData {
        classNames = List.copyOf(classNames);
        train = List.copyOf(train);
        test = List.copyOf(test);
    }

    public int classCount() {
        return classNames.size();
    }
}
