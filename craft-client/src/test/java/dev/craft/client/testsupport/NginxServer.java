package dev.craft.client.testsupport;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A real nginx (Debian's package) in its own process, balancing over the given replicas with the project's own
 * proxy settings, deploy/nginx/vlm-proxy.conf, as compose's replicas profile does. Everything it writes stays in
 * {@code dir}.
 */
public final class NginxServer implements AutoCloseable {

    private static final Path PROXY_SETTINGS = Path.of("../deploy/nginx/vlm-proxy.conf").toAbsolutePath().normalize();
    private static final List<Path> BINARIES = List.of(Path.of("/usr/sbin/nginx"), Path.of("/usr/bin/nginx"));

    private final Process process;
    private final int port;
    private final Path dir;

    private NginxServer(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    public static NginxServer start(Path dir, List<URI> replicas) throws IOException, InterruptedException {
        Path binary = BINARIES.stream().filter(Files::isExecutable).findFirst().orElseThrow(() -> new AssertionError(
                "nginx is not installed, and the two-replica tests start a real one: bash scripts/setup.sh test"));
        Files.createDirectories(dir.resolve("logs"));
        int port = LocalProcesses.freePort();
        String servers = replicas.stream().map(r -> "    server " + r.getHost() + ":" + r.getPort() + ";")
                .collect(Collectors.joining("\n"));
        // As root, the workers would otherwise run as "nobody" and could not write to the temporary directory.
        String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
        Files.writeString(dir.resolve("nginx.conf"), """
                %sworker_processes 1;
                pid %s;
                error_log %s warn;
                events { worker_connections 256; }
                http {
                  access_log off;
                  client_body_temp_path %s;
                  proxy_temp_path %s;
                  upstream vlm {
                %s
                  }
                  server {
                    listen 127.0.0.1:%d;
                    location / {
                      include %s;
                    }
                  }
                }
                """.formatted(user, dir.resolve("nginx.pid"), dir.resolve("logs/error.log"), dir.resolve("client-body"),
                dir.resolve("proxy"), servers, port, PROXY_SETTINGS));
        Process process = new ProcessBuilder(binary.toString(), "-p", dir.toString(), "-e", dir.resolve("logs/error.log").toString(),
                "-c", dir.resolve("nginx.conf").toString(), "-g", "daemon off;")
                .redirectErrorStream(true).redirectOutput(dir.resolve("logs/stdout.log").toFile()).start();
        NginxServer server = new NginxServer(process, port, dir);
        server.awaitListening(Duration.ofSeconds(20));
        return server;
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** nginx's error log: where it says which replica failed and whether it passed a request on. */
    public String errorLog() throws IOException {
        return Files.readString(dir.resolve("logs/error.log"));
    }

    private void awaitListening(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx exited with " + process.exitValue() + ":\n"
                        + Files.readString(dir.resolve("logs/stdout.log")) + errorLog());
            }
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        close();
        throw new IllegalStateException("nginx did not listen on " + port + " within " + timeout);
    }

    @Override
    public void close() {
        LocalProcesses.stop(process);
    }
}
