package dev.craft.client.data;

import static dev.craft.client.testsupport.TestImages.png;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.craft.client.testsupport.SharedAssets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CoopSplitLayoutTest {

    private static final String SPLIT = """
            {"train": [["dots/d2.png", 3, "polka_dots"], ["dots/d1.png", 3, "polka_dots"],
                       ["lines/l1.png", 1, "lines"], ["absent/x1.png", 2, "absent"]],
             "val":   [["dots/missing-but-ignored.png", 3, "polka_dots"]],
             "test":  [["lines/l2.png", 1, "lines"], ["dots/d3.png", 3, "polka_dots"], ["absent/x2.png", 2, "absent"]]}
            """;

    @TempDir
    Path dir;

    private void images(Path root) {
        png(root.resolve("dots/d1.png"), 1);
        png(root.resolve("dots/d2.png"), 2);
        png(root.resolve("dots/d3.png"), 3);
        png(root.resolve("lines/l1.png"), 4);
        png(root.resolve("lines/l2.png"), 5);
    }

    @Test
    void keepsClassesWithFoldersAndRenumbersThemInLabelOrder() throws IOException {
        images(dir.resolve("images"));
        Path split = Files.writeString(dir.resolve("split_zhou_Toy.json"), SPLIT);

        TaskData task = DatasetLoader.load(dir, split);

        assertThat(task.classNames()).containsExactly("lines", "polka dots");
        Path root = dir.resolve("images").toAbsolutePath();
        assertThat(task.train()).containsExactly(
                new LabeledImage(root.resolve("dots/d2.png"), 1),
                new LabeledImage(root.resolve("dots/d1.png"), 1),
                new LabeledImage(root.resolve("lines/l1.png"), 0));
        assertThat(task.test()).containsExactly(
                new LabeledImage(root.resolve("lines/l2.png"), 0),
                new LabeledImage(root.resolve("dots/d3.png"), 1));
    }

    @Test
    void findsTheSplitFileInTheFolderAndUsesTheFolderAsImageRootWithoutImagesSubfolder() throws IOException {
        images(dir);
        Files.writeString(dir.resolve("split_zhou_Toy.json"), SPLIT);

        TaskData task = DatasetLoader.load(dir, null);

        assertThat(task.classNames()).containsExactly("lines", "polka dots");
        assertThat(task.train().get(0).file()).isEqualTo(dir.resolve("dots/d2.png").toAbsolutePath());
    }

    @Test
    void missingFileOfAKeptClassIsNamed() throws IOException {
        images(dir.resolve("images"));
        Files.delete(dir.resolve("images/dots/d3.png"));
        Path split = Files.writeString(dir.resolve("split_zhou_Toy.json"), SPLIT);

        assertThatThrownBy(() -> DatasetLoader.load(dir, split))
                .isInstanceOf(DatasetException.class)
                .hasMessage("split_zhou_Toy.json lists test image " + dir.resolve("images/dots/d3.png").toAbsolutePath()
                        + " of class 'polka_dots', but that file does not exist");
    }

    @Test
    void testClassWithoutTrainingImagesIsRefused() throws IOException {
        images(dir);
        Path split = Files.writeString(dir.resolve("split.json"), """
                {"train": [["lines/l1.png", 0, "lines"]],
                 "test": [["lines/l2.png", 0, "lines"], ["dots/d3.png", 1, "polka_dots"]]}
                """);

        assertThatThrownBy(() -> DatasetLoader.load(dir, split))
                .isInstanceOf(DatasetException.class)
                .hasMessage("split.json: test class 'polka_dots' (label 1) has no training images");
    }

    @Test
    void noClassFolderAtAllSuggestsTheImageRoot() throws IOException {
        Path split = Files.writeString(dir.resolve("split_zhou_Toy.json"), SPLIT);

        assertThatThrownBy(() -> DatasetLoader.load(dir, split))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith("none of the 3 classes of split_zhou_Toy.json has its image folder under");
    }

    @Test
    void malformedEntryIsNamed() throws IOException {
        Path split = Files.writeString(dir.resolve("s.json"), "{\"train\": [[\"a.png\", \"x\", \"a\"]], \"test\": []}");

        assertThatThrownBy(() -> DatasetLoader.load(dir, split))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith("s.json: train[0] must be [relative path, label >= 0, class name]");
    }

    @Test
    void pathsLeavingTheImageRootAreRefused() throws IOException {
        Path split = Files.writeString(dir.resolve("s.json"),
                "{\"train\": [[\"../etc/passwd\", 0, \"a\"]], \"test\": []}");

        assertThatThrownBy(() -> DatasetLoader.load(dir, split))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("'../etc/passwd' points outside");
    }

    @Test
    void twoSplitFilesAreAmbiguous() throws IOException {
        Files.writeString(dir.resolve("split_zhou_A.json"), SPLIT);
        Files.writeString(dir.resolve("split_zhou_B.json"), SPLIT);

        assertThatThrownBy(() -> DatasetLoader.load(dir, null))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("holds 2 split files [split_zhou_A.json, split_zhou_B.json]");
    }

    @Test
    void missingSplitFileIsNamed() {
        Path split = dir.resolve("split_zhou_None.json");

        assertThatThrownBy(() -> DatasetLoader.load(dir, split))
                .isInstanceOf(DatasetException.class)
                .hasMessage("split file " + split + " does not exist");
    }

    @Test
    void dtd10WithTheFullDtdSplit() {
        Path split = SharedAssets.require("assets/coop-splits/split_zhou_DescribableTextures.json");
        Path dtd10 = SharedAssets.require("assets/datasets/dtd10");

        TaskData task = DatasetLoader.load(dtd10, split);

        assertThat(task.classNames()).containsExactly("banded", "blotchy", "braided", "bubbly", "bumpy",
                "chequered", "cobwebbed", "cracked", "crosshatched", "crystalline");
        assertThat(task.train()).hasSize(600);
        assertThat(task.test()).hasSize(360);
        assertThat(countPerLabel(task.train())).containsOnlyKeys(0, 1, 2, 3, 4, 5, 6, 7, 8, 9).allSatisfy(
                (label, count) -> assertThat(count).isEqualTo(60));
        assertThat(countPerLabel(task.test()).values()).containsOnly(36);
        assertThat(task.train().get(0).file()).hasFileName("banded_0133.jpg").isRegularFile();
        assertThat(task.test()).allSatisfy(image -> assertThat(image.file().getParent().getFileName().toString())
                .isEqualTo(task.classNames().get(image.label())));
    }

    private static Map<Integer, Integer> countPerLabel(Iterable<LabeledImage> images) {
        Map<Integer, Integer> counts = new TreeMap<>();
        images.forEach(image -> counts.merge(image.label(), 1, Integer::sum));
        return counts;
    }
}
