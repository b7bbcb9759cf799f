package dev.craft.client.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The real service, started from its runnable jar as a separate process on a free loopback port
 * with a fresh data dir: what a user runs, with no test doubles anywhere. The reactor builds
 * vlm-service before craft-client, so {@code mvn verify} from the root always has the jar.
 */
public final class ServiceProcess implements AutoCloseable {

    public static final Path JAR = Path.of("../vlm-service/target/vlm-service.jar").toAbsolutePath().normalize();

    private final List<String> command;
    private final Map<String, String> environment;
    private final int port;
    private final Path log;
    private Process process;

    private ServiceProcess(List<String> command, Map<String, String> environment, int port, Path log) {
        this.command = command;
        this.environment = environment;
        this.port = port;
        this.log = log;
    }

    /** The bundle embedded in the service jar (random weights): what the end-to-end tests of the mechanics use. */
    public static final String TINY = "tiny";

    /**
     * Starts the service on {@code bundle} (the value of {@code vlm.model.bundle}) with {@code tenant:key:quota}
     * entries and waits until it is healthy.
     */
    public static ServiceProcess start(String bundle, Path dataDir, String apiKeys, String... extraArgs)
            throws IOException, InterruptedException {
        return start(bundle, dataDir, apiKeys, Map.of(), extraArgs);
    }

    /** As above with environment variables of its own (HOSTNAME names a replica, as a pod name does). */
    public static ServiceProcess start(String bundle, Path dataDir, String apiKeys, Map<String, String> environment,
                                       String... extraArgs) throws IOException, InterruptedException {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException("the service jar " + JAR + " is missing: build it first "
                    + "(mvn -B -ntp verify from the project root builds it before these tests)");
        }
        int port = LocalProcesses.freePort();
        Path log = Files.createTempFile("vlm-service-", ".log");
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx1g", "-jar", JAR.toString(),
                "--server.port=" + port, "--server.address=127.0.0.1", "--vlm.data-dir=" + dataDir,
                "--vlm.model.bundle=" + bundle, "--vlm.api-keys=" + apiKeys));
        command.addAll(List.of(extraArgs));
        ServiceProcess service = new ServiceProcess(command, environment, port, log);
        service.launch();
        return service;
    }

    private void launch() throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("OMP_NUM_THREADS", "1");
        builder.environment().putAll(environment);
        process = builder.start();
        awaitHealthy(Duration.ofSeconds(120));
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed; like a crash or an OOM kill. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** Starts the service again on the same port and data dir. */
    public void restart() throws IOException, InterruptedException {
        if (process.isAlive()) {
            throw new IllegalStateException("the service is still running");
        }
        launch();
    }

    /** Everything the service printed, across restarts. */
    public String log() throws IOException {
        return Files.readString(log);
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public String get(String path, String apiKey) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url().resolve(path)).timeout(Duration.ofSeconds(30));
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private void awaitHealthy(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the service exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                if (get("/actuator/health", null).contains("\"UP\"")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        close();
        throw new IllegalStateException("the service did not become healthy within " + timeout + ":\n" + Files.readString(log));
    }


    public static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Override
    public void close() {
        LocalProcesses.stop(process);
    }
}
