package dev.craft.service.model.selection;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Resolution of vlm.model.bundle against a temporary bundles home, with stand-in build scripts (bash files
 * that write a bundle the way deploy/models/build_bundle.sh does: into $CRAFT_CACHE/bundles/NAME, .complete last).
 */
class BundleResolverTest {

    private static final Path SOURCE_BUNDLE = Path.of("../deploy/models/bundles/tiny-bert").toAbsolutePath().normalize();

    @TempDir
    Path temp;

    private Path home() {
        return temp.resolve("cache/bundles");
    }

    private BundleResolver resolver(Path configuredScript, Path... candidates) {
        return new BundleResolver(temp.resolve("data/embedded-bundle"), configuredScript, List.of(candidates));
    }

    @Test
    void aBuiltBundleIsServedFromTheBundlesHomeWithoutRunningAnything() throws IOException {
        Path demo = writeBundle(home().resolve("demo"));
        Path script = script("exit 7");
        ResolvedBundle resolved = resolver(script).resolve(BundleChoice.parse("demo", home()));
        assertThat(resolved.directory()).isEqualTo(demo);
        assertThat(resolved.source()).isEqualTo(demo.toString());
        assertThat(runs()).isZero();
    }

    @Test
    void theEmbeddedBundleIsExtractedAndItsSourceIsEmbedded() {
        ResolvedBundle resolved = resolver(null).resolve(BundleChoice.parse("tiny", home()));
        assertThat(resolved.source()).isEqualTo("embedded");
        assertThat(resolved.directory()).isEqualTo(temp.resolve("data/embedded-bundle"));
        assertThat(resolved.directory().resolve("bundle.json")).isRegularFile();
    }

    @Test
    void aMissingBundleWithoutABuildScriptFailsNamingTheBundleThePlacesAndTheCommand() {
        Path candidate = temp.resolve("repo/deploy/models/build_bundle.sh");
        assertThatThrownBy(() -> resolver(null, candidate).resolve(BundleChoice.parse("", home())))
                .isInstanceOf(BundleUnavailableException.class)
                .hasMessageNotContaining("\n")
                .hasMessageStartingWith("model bundle 'demo' is not built (no " + home().resolve("demo") + "/.complete)")
                .hasMessageContaining("looked for " + candidate)
                .hasMessageContaining("`deploy/models/build_bundle.sh demo`")
                .hasMessageContaining("CRAFT_CACHE=" + temp.resolve("cache"))
                .hasMessageContaining("--vlm.model.bundle=tiny");
    }

    @Test
    void aHalfWrittenBundleWithoutTheMarkerCountsAsMissing() throws IOException {
        Path bench = writeBundle(home().resolve("bench"));
        Files.delete(bench.resolve(".complete"));
        assertThatThrownBy(() -> resolver(null).resolve(BundleChoice.parse("bench", home())))
                .hasMessageStartingWith("model bundle 'bench' is not built");
    }

    @Test
    void aMissingBundleIsBuiltOnceWithTheScriptFoundAmongTheCandidates() throws IOException {
        Path script = script("""
                echo "building $1 in $CRAFT_CACHE"
                out="$CRAFT_CACHE/bundles/$1"
                mkdir -p "$out"
                cp "%s"/* "$out"/
                touch "$out/.complete"
                echo "$out"
                """.formatted(SOURCE_BUNDLE));
        BundleResolver resolver = resolver(null, temp.resolve("absent/build_bundle.sh"), script);
        ResolvedBundle resolved = resolver.resolve(BundleChoice.parse("bench", home()));
        assertThat(resolved.directory()).isEqualTo(home().resolve("bench"));
        assertThat(resolved.directory().resolve("bundle.json")).isRegularFile();
        assertThat(runs()).isEqualTo(1);
        resolver.resolve(BundleChoice.parse("bench", home()));
        assertThat(runs()).as("built bundles are not rebuilt").isEqualTo(1);
    }

    @Test
    void aFailingBuildStopsWithItsExitCodeAndLastLine() throws IOException {
        Path script = script("""
                echo "step 1 of 3"
                echo "build_bundle: python3-onnx is missing: apt-get install -y python3-onnx" >&2
                exit 3
                """);
        assertThatThrownBy(() -> resolver(script).resolve(BundleChoice.parse("demo", home())))
                .isInstanceOf(BundleUnavailableException.class)
                .hasMessageNotContaining("\n")
                .hasMessage("building model bundle 'demo' with bash " + script + " demo failed (exit 3): "
                        + "build_bundle: python3-onnx is missing: apt-get install -y python3-onnx (full output in the log above)");
    }

    @Test
    void aBuildThatLeavesNoMarkerIsAnError() throws IOException {
        Path script = script("echo done");
        assertThatThrownBy(() -> resolver(script).resolve(BundleChoice.parse("demo", home())))
                .hasMessage(script + " demo succeeded but " + home().resolve("demo") + "/.complete does not exist");
    }

    @Test
    void aConfiguredScriptMustExist() {
        Path missing = temp.resolve("missing.sh");
        assertThatThrownBy(() -> resolver(missing).resolve(BundleChoice.parse("demo", home())))
                .hasMessage("vlm.model.build-script " + missing + " does not exist");
    }

    @Test
    void aBundlesHomeOutsideACraftCacheIsNotBuiltInto() throws IOException {
        Path script = script("exit 0");
        Path otherHome = temp.resolve("models");
        assertThatThrownBy(() -> resolver(script).resolve(BundleChoice.parse("demo", otherHome)))
                .hasMessageContaining("cannot build into vlm.model.bundles-home " + otherHome)
                .hasMessageContaining("copy $CRAFT_CACHE/bundles/demo to " + otherHome.resolve("demo"));
        assertThat(runs()).isZero();
    }

    @Test
    void theDefaultPlacesAreTheRepositoryAboveTheJarThenTheWorkingDirectory() {
        Path jar = temp.resolve("repo/vlm-service/target/vlm-service.jar");
        assertThat(BuildScript.candidates(jar, temp.resolve("work"))).containsExactly(
                temp.resolve("repo/deploy/models/build_bundle.sh"), temp.resolve("work/deploy/models/build_bundle.sh"));
        assertThat(BuildScript.candidates(null, temp)).containsExactly(temp.resolve("deploy/models/build_bundle.sh"));
        assertThat(BuildScript.defaultCandidates()).contains(Path.of(BuildScript.RELATIVE_PATH).toAbsolutePath());
    }

    private Path writeBundle(Path dir) throws IOException {
        Files.createDirectories(dir);
        try (var files = Files.list(SOURCE_BUNDLE)) {
            for (Path file : files.toList()) {
                Files.copy(file, dir.resolve(file.getFileName()));
            }
        }
        Files.writeString(dir.resolve(".complete"), "test\n");
        return dir;
    }

    /** A bash script that counts its runs in runs.txt next to it, then runs {@code body}. */
    private Path script(String body) throws IOException {
        Path script = temp.resolve("repo/deploy/models/build_bundle.sh");
        Files.createDirectories(script.getParent());
        Files.writeString(script, "set -euo pipefail\necho run >> \"$(dirname \"$0\")/runs.txt\"\n" + body + "\n");
        return script;
    }

    private long runs() throws IOException {
        Path runs = temp.resolve("repo/deploy/models/runs.txt");
        return Files.exists(runs) ? Files.readAllLines(runs).size() : 0;
    }
}
