package dev.craft.client.e2e;

import dev.craft.client.testsupport.ServiceProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service jar started with its defaults where the demo bundle is not built and no build script can be found
 * (the jar is linked into a temporary folder with no repository around it, CRAFT_CACHE is empty) stops at once with
 * one line naming the bundle, where it looked and the command that builds it - and does not serve another model.
 */
class MissingBundleStartupTest {

    @TempDir
    Path temp;

    @Test
    void withoutTheDemoBundleAndItsBuildScriptTheServiceStopsWithOneClearLine() throws Exception {
        Path jar = temp.resolve("app/target/vlm-service.jar");
        Files.createDirectories(jar.getParent());
        try {
            Files.createLink(jar, ServiceProcess.JAR);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(ServiceProcess.JAR, jar);
        }
        Path workDir = Files.createDirectories(temp.resolve("work"));
        Path cache = temp.resolve("cache");
        Path log = temp.resolve("service.log");
        ProcessBuilder builder = new ProcessBuilder(ServiceProcess.javaBinary(), "-Xmx512m", "-jar", jar.toString(),
                "--server.port=0", "--server.address=127.0.0.1", "--vlm.data-dir=" + temp.resolve("data"),
                "--vlm.api-keys=t:missing-key-0001:10")
                .directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("VLM_"));
        builder.environment().put("CRAFT_CACHE", cache.toString());
        builder.environment().put("OMP_NUM_THREADS", "1");

        long start = System.nanoTime();
        Process process = builder.start();
        boolean exited = process.waitFor(120, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly().waitFor();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        String output = Files.readString(log);
        assertThat(exited).as("the service exits by itself; output:\n" + output).isTrue();
        assertThat(process.exitValue()).as(output).isNotZero();

        String expected = "model bundle 'demo' is not built (no " + cache.resolve("bundles/demo") + "/.complete) and"
                + " the build script was not found (looked for " + temp.resolve("deploy/models/build_bundle.sh") + ", "
                + workDir.resolve("deploy/models/build_bundle.sh") + "): build it with `deploy/models/build_bundle.sh"
                + " demo` in the CraFT repository (CRAFT_CACHE=" + cache + "), or start with --vlm.model.bundle=tiny"
                + " or a bundle directory";
        assertThat(output.lines()).as(output).contains(expected);
        assertThat(output).as("no stack trace, no model served")
                .doesNotContain("\tat ", "Loaded model bundle", "Tomcat started");
        System.out.printf("missing demo bundle: the service stopped after %.1f s%n", seconds);
    }
}
