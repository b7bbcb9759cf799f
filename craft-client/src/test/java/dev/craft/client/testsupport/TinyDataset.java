package dev.craft.client.testsupport;

import java.nio.file.Path;

/** An ImageFolder dataset of real PNG files: {@code classes} classes, with train and test images per class. */
public final class TinyDataset {

    private TinyDataset() {
    }

    public static Path create(Path root, int classes, int trainPerClass, int testPerClass) {
        for (int c = 0; c < classes; c++) {
            for (int i = 0; i < trainPerClass; i++) {
                TestImages.png(root.resolve("train/class_" + c + "/img" + i + ".png"), 1000 * c + i);
            }
            for (int i = 0; i < testPerClass; i++) {
                TestImages.png(root.resolve("test/class_" + c + "/img" + i + ".png"), 1000 * c + 500 + i);
            }
        }
        return root;
    }
}
