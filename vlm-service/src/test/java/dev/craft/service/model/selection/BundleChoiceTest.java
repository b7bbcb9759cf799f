package dev.craft.service.model.selection;

import dev.craft.service.model.InvalidBundleException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BundleChoiceTest {

    @TempDir
    Path temp;

    @Test
    void emptyMeansTheDemoBundleInTheBundlesHome() {
        Path home = temp.resolve("bundles");
        for (String empty : new String[] {null, "", "  "}) {
            BundleChoice choice = BundleChoice.parse(empty, home);
            assertThat(choice.kind()).isEqualTo(BundleChoice.Kind.BUILT);
            assertThat(choice.name()).isEqualTo("demo");
            assertThat(choice.directory()).isEqualTo(home.resolve("demo"));
        }
    }

    @Test
    void namesSelectTheEmbeddedOrABuiltBundle() {
        Path home = temp.resolve("bundles");
        assertThat(BundleChoice.parse("tiny", home)).isEqualTo(new BundleChoice(BundleChoice.Kind.EMBEDDED, "tiny", null));
        assertThat(BundleChoice.parse("bench", home))
                .isEqualTo(new BundleChoice(BundleChoice.Kind.BUILT, "bench", home.resolve("bench")));
    }

    @Test
    void anExistingDirectoryIsServedAsIsAndNamesWinOverDirectoriesOfTheSameName() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("my-bundle"));
        BundleChoice choice = BundleChoice.parse(dir.toString(), temp.resolve("bundles"));
        assertThat(choice.kind()).isEqualTo(BundleChoice.Kind.DIRECTORY);
        assertThat(choice.directory()).isEqualTo(dir);
        // "demo" is always the built bundle, even where the working directory has a folder called demo
        assertThat(BundleChoice.parse("demo", temp.resolve("bundles")).kind()).isEqualTo(BundleChoice.Kind.BUILT);
    }

    @Test
    void aBadNameOrAMissingDirectoryIsAOneLineError() {
        Path home = temp.resolve("bundles");
        assertThatThrownBy(() -> BundleChoice.parse("dmeo", home))
                .isInstanceOf(InvalidBundleException.class)
                .hasMessageStartingWith("vlm.model.bundle must be tiny, demo, bench or a bundle directory; 'dmeo' is none")
                .hasMessageNotContaining("\n");
        Path missing = temp.resolve("nowhere/bundle");
        assertThatThrownBy(() -> BundleChoice.parse(missing.toString(), home))
                .isInstanceOf(InvalidBundleException.class)
                .hasMessage("vlm.model.bundle: bundle directory " + missing + " does not exist");
        assertThatThrownBy(() -> BundleChoice.parse("/no-such-bundle-dir", home))
                .hasMessageContaining("bundle directory /no-such-bundle-dir does not exist");
    }

    @Test
    void theDeprecatedBundleDirStillWorksAloneButNotTogetherWithBundle() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("old-style"));
        Path home = temp.resolve("bundles");
        assertThat(BundleChoice.parse("", dir, home)).isEqualTo(new BundleChoice(BundleChoice.Kind.DIRECTORY,
                dir.toString(), dir));
        assertThat(BundleChoice.parse("tiny", null, home).kind()).isEqualTo(BundleChoice.Kind.EMBEDDED);
        assertThatThrownBy(() -> BundleChoice.parse("tiny", dir, home))
                .isInstanceOf(InvalidBundleException.class)
                .hasMessageContaining("keep only vlm.model.bundle");
        assertThatThrownBy(() -> BundleChoice.parse(null, temp.resolve("gone"), home))
                .hasMessageContaining("vlm.model.bundle-dir: bundle directory " + temp.resolve("gone") + " does not exist");
    }

    @Test
    void theBundlesHomeIsTheSettingElseCraftCacheElseTheUserCache() {
        assertThat(BundleChoice.bundlesHome(temp, Map.of("CRAFT_CACHE", "/elsewhere"), "/home/u")).isEqualTo(temp);
        assertThat(BundleChoice.bundlesHome(null, Map.of("CRAFT_CACHE", "/srv/cache"), "/home/u"))
                .isEqualTo(Path.of("/srv/cache/bundles"));
        assertThat(BundleChoice.bundlesHome(null, Map.of(), "/home/u")).isEqualTo(Path.of("/home/u/.cache/craft/bundles"));
        assertThat(BundleChoice.bundlesHome(null, Map.of("CRAFT_CACHE", ""), "/home/u"))
                .isEqualTo(Path.of("/home/u/.cache/craft/bundles"));
    }
}
