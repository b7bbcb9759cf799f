package dev.craft.client.data;

import static dev.craft.client.testsupport.TestImages.png;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderLayoutTest {

    @TempDir
    Path dir;

    /** train: red_wine (2), banded (3), zebra (1); test: banded (1), red_wine (1). */
    private void standardTree() throws IOException {
        png(dir.resolve("train/red_wine/b.png"), 1);
        png(dir.resolve("train/red_wine/a.png"), 2);
        png(dir.resolve("train/banded/c.PNG"), 3);
        png(dir.resolve("train/banded/a.png"), 4);
        png(dir.resolve("train/banded/b.png"), 5);
        png(dir.resolve("train/zebra/z.png"), 6);
        png(dir.resolve("test/banded/t.png"), 7);
        png(dir.resolve("test/red_wine/t.png"), 8);
        Files.writeString(dir.resolve("train/banded/notes.txt"), "not an image");
        png(dir.resolve("train/banded/.hidden.png"), 9);
    }

    @Test
    void labelsFollowSortedFoldersAndUnderscoresBecomeSpaces() throws IOException {
        standardTree();

        TaskData task = DatasetLoader.load(dir, null);

        assertThat(task.classNames()).containsExactly("banded", "red wine", "zebra");
        assertThat(task.train()).containsExactly(
                new LabeledImage(dir.resolve("train/banded/a.png"), 0),
                new LabeledImage(dir.resolve("train/banded/b.png"), 0),
                new LabeledImage(dir.resolve("train/banded/c.PNG"), 0),
                new LabeledImage(dir.resolve("train/red_wine/a.png"), 1),
                new LabeledImage(dir.resolve("train/red_wine/b.png"), 1),
                new LabeledImage(dir.resolve("train/zebra/z.png"), 2));
        assertThat(task.test()).containsExactly(
                new LabeledImage(dir.resolve("test/banded/t.png"), 0),
                new LabeledImage(dir.resolve("test/red_wine/t.png"), 1));
    }

    @Test
    void classnamesFileMapsFolderNames() throws IOException {
        standardTree();
        Files.writeString(dir.resolve("classnames.txt"), "# folder name\nred_wine  a glass of  red wine\nzebra zebra stripes\n");

        TaskData task = DatasetLoader.load(dir, null);

        assertThat(task.classNames()).containsExactly("banded", "a glass of red wine", "zebra stripes");
    }

    @Test
    void classnamesFileListsNamesInFolderOrder() throws IOException {
        standardTree();
        Files.writeString(dir.resolve("classnames.txt"), "\uFEFFstriped bands\n\nmerlot\nzebra\n");

        TaskData task = DatasetLoader.load(dir, null);

        assertThat(task.classNames()).containsExactly("striped bands", "merlot", "zebra");
    }

    @Test
    void classnamesFileWithWrongCountIsRefused() throws IOException {
        standardTree();
        Files.writeString(dir.resolve("classnames.txt"), "one\ntwo\n");

        assertThatThrownBy(() -> DatasetLoader.load(dir, null))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("has 2 names for 3 class folders");
    }

    @Test
    void duplicateClassNamesAreRefused() throws IOException {
        standardTree();
        Files.writeString(dir.resolve("classnames.txt"), "Zebra\nother\nzebra\n");

        assertThatThrownBy(() -> DatasetLoader.load(dir, null))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("class name 'zebra' appears more than once");
    }

    @Test
    void missingFolderIsRefused() {
        Path missing = dir.resolve("nope");

        assertThatThrownBy(() -> DatasetLoader.load(missing, null))
                .isInstanceOf(DatasetException.class)
                .hasMessage("dataset folder " + missing + " does not exist");
    }

    @Test
    void unknownLayoutSaysWhatIsExpected() throws IOException {
        png(dir.resolve("train/a/x.png"), 1);

        assertThatThrownBy(() -> DatasetLoader.load(dir, null))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith("unknown dataset layout in " + dir + ": expected " + dir.resolve("train")
                        + " and " + dir.resolve("test"))
                .hasMessageContaining("split_zhou_*.json");
    }

    @Test
    void classFolderWithoutImagesIsRefused() throws IOException {
        standardTree();
        Files.createDirectories(dir.resolve("train/empty"));

        assertThatThrownBy(() -> DatasetLoader.load(dir, null))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith("no images in " + dir.resolve("train/empty"));
    }

    @Test
    void testClassMissingFromTrainIsRefused() throws IOException {
        standardTree();
        png(dir.resolve("test/unicorn/u.png"), 10);

        assertThatThrownBy(() -> DatasetLoader.load(dir, null))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith("test class folder 'unicorn' has no folder under " + dir.resolve("train"));
    }

    @Test
    void emptyTestSplitIsRefused() throws IOException {
        png(dir.resolve("train/a/x.png"), 1);
        Files.createDirectories(dir.resolve("test/a"));

        assertThatThrownBy(() -> DatasetLoader.load(dir, null))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith("no test images under " + dir.resolve("test"));
    }

    @Test
    void taskDataIsImmutable() throws IOException {
        standardTree();

        TaskData task = DatasetLoader.load(dir, null);

        assertThatThrownBy(() -> task.train().add(new LabeledImage(dir, 0)))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(task.classCount()).isEqualTo(3);
    }
}
