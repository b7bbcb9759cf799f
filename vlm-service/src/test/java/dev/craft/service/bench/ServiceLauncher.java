package dev.craft.service.bench;

import dev.craft.service.testsupport.PostgresTestDatabase;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Starts processes of one service jar, each with a data dir of its own under the work dir: on its embedded H2, or
 * as a replica on a shared PostgreSQL database and features dir (as deploy/k8s runs them).
 */
final class ServiceLauncher {

    private final Path jar;
    private final List<String> jvmOptions;
    private final Path bundleDir;
    private final Path work;

    /** @param bundleDir the bundle to serve, or null for the embedded tiny bundle */
    ServiceLauncher(Path jar, List<String> jvmOptions, Path bundleDir, Path work) {
        this.jar = jar;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.bundleDir = bundleDir;
        this.work = work;
    }

    ServiceProcess h2(String name) throws IOException {
        return start(name, List.of());
    }

    /** A replica on {@code database}; replicas given the same {@code featuresDir} share the datasets. */
    ServiceProcess postgres(String name, PostgresTestDatabase database, Path featuresDir, String... moreArgs)
            throws IOException {
        List<String> args = new java.util.ArrayList<>(List.of("--vlm.store=postgres", "--spring.datasource.url=" + database.url(),
                "--vlm.storage.features-dir=" + featuresDir));
        args.addAll(List.of(moreArgs));
        return start(name, args);
    }

    Path work() {
        return work;
    }

    private ServiceProcess start(String name, List<String> storeArgs) throws IOException {
        long start = System.nanoTime();
        ServiceProcess service = ServiceProcess.start(jar, jvmOptions, work.resolve("data-" + name), bundleDir, storeArgs);
        System.out.printf("started service %s (pid %d) in %.1f s%n", name, service.pid(), (System.nanoTime() - start) / 1e9);
        return service;
    }
}
