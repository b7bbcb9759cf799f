package dev.craft.service.bench;

import com.sun.tools.attach.VirtualMachine;
import dev.craft.service.testsupport.VlmHttp;
import tools.jackson.databind.JsonNode;

import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real service jar running as a separate process on a free loopback port, with the
 * measurements the benchmark takes from outside: actuator metrics, RSS from /proc, heap over JMX.
 */
final class ServiceProcess implements AutoCloseable {

    static final String API_KEY = "bench-key-0001";
    private static final long READY_TIMEOUT_MS = 300_000;

    private final Process process;
    private final Path log;
    private final VlmHttp http;
    private JMXConnector jmx;

    private ServiceProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.http = new VlmHttp(port, API_KEY);
    }

    /**
     * Starts the jar on its own data dir, serving the embedded tiny bundle or {@code bundleDir}, and waits until it is
     * ready.
     *
     * @param bundleDir the bundle to serve, or null for the embedded tiny bundle
     */
    static ServiceProcess start(Path jar, List<String> jvmOptions, Path dataDir, Path bundleDir) throws IOException {
        return start(jar, jvmOptions, dataDir, bundleDir, List.of());
    }

    /**
     * As {@link #start(Path, List, Path, Path)}, with further service arguments (for example
     * {@code --vlm.store=postgres} and its {@code --spring.datasource.url}).
     */
    static ServiceProcess start(Path jar, List<String> jvmOptions, Path dataDir, Path bundleDir, List<String> serviceArgs)
            throws IOException {
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), "--server.port=" + port, "--server.address=127.0.0.1",
                "--vlm.data-dir=" + dataDir, "--vlm.api-keys=bench:" + API_KEY + ":1000000000000",
                "--logging.level.root=WARN"));
        command.add("--vlm.model.bundle=" + (bundleDir == null ? "tiny" : bundleDir.toString()));
        command.addAll(serviceArgs);
        Files.createDirectories(dataDir);
        Path log = dataDir.resolve("service-" + System.currentTimeMillis() + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putIfAbsent("OMP_NUM_THREADS", "1");
        ServiceProcess service = new ServiceProcess(builder.start(), log, port);
        try {
            service.awaitReady();
        } catch (RuntimeException | IOException e) {
            service.close();
            throw e;
        }
        return service;
    }

    VlmHttp http() {
        return http;
    }

    long pid() {
        return process.pid();
    }

    private void awaitReady() throws IOException {
        long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the service exited with " + process.exitValue() + "; its log:\n" + tail());
            }
            try {
                if (http.get("/actuator/health/readiness").statusCode() == 200) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // not listening yet
            }
            sleep(250);
        }
        throw new IllegalStateException("the service was not ready within " + READY_TIMEOUT_MS / 1000 + " s; its log:\n" + tail());
    }

    /** Count and total seconds of the service's {@code vlm.predict.duration} timer for /v1/predict. */
    double[] predictTimer() {
        HttpResponse<byte[]> response = http.get("/actuator/metrics/vlm.predict.duration?tag=endpoint:predict");
        if (response.statusCode() == 404) {
            return new double[] {0, 0};
        }
        double count = 0;
        double total = 0;
        for (JsonNode m : VlmHttp.json(response).get("measurements")) {
            switch (m.get("statistic").asString()) {
                case "COUNT" -> count = m.get("value").asDouble();
                case "TOTAL_TIME" -> total = m.get("value").asDouble();
                default -> { }
            }
        }
        return new double[] {count, total};
    }

    /** Resident set size now (VmRSS) or its peak since the last {@link #resetPeakRss()} (VmHWM), in bytes. */
    long rss(boolean peak) throws IOException {
        String field = peak ? "VmHWM:" : "VmRSS:";
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.substring(field.length()).replace("kB", "").trim()) * 1024;
            }
        }
        throw new IllegalStateException("no " + field + " in /proc/" + pid() + "/status");
    }

    /** CPU time the service process has used so far (all its threads, user + system), in milliseconds. */
    double cpuMs() throws IOException {
        return ProcCpu.processMs(pid());
    }

    /** CPU milliseconds used so far by the service's live threads, summed by thread name without its digits. */
    java.util.Map<String, Double> cpuMsByThreadGroup() throws IOException {
        return ProcCpu.threadMsByName(pid());
    }

    /** The service's metrics in the Prometheus text format. */
    String prometheus() {
        HttpResponse<byte[]> response = http.get("/actuator/prometheus");
        if (response.statusCode() != 200) {
            throw new IllegalStateException("/actuator/prometheus answered " + response.statusCode());
        }
        return VlmHttp.text(response);
    }

    void resetPeakRss() throws IOException {
        Files.writeString(Path.of("/proc", Long.toString(pid()), "clear_refs"), "5");
    }

    /** Runs a full GC in the service and returns the heap then in use. */
    long gcAndHeapUsed() throws IOException {
        MemoryMXBean memory = ManagementFactory.newPlatformMXBeanProxy(jmx(), ManagementFactory.MEMORY_MXBEAN_NAME,
                MemoryMXBean.class);
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    void resetPeakHeap() throws IOException {
        heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    /** The sum of the heap pools' peaks since {@link #resetPeakHeap()}: an upper bound of the peak heap in use. */
    long peakHeapUsed() throws IOException {
        return heapPools().stream().mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
    }

    private List<MemoryPoolMXBean> heapPools() throws IOException {
        return ManagementFactory.getPlatformMXBeans(jmx(), MemoryPoolMXBean.class).stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP)
                .toList();
    }

    private MBeanServerConnection jmx() throws IOException {
        if (jmx == null) {
            try {
                VirtualMachine vm = VirtualMachine.attach(Long.toString(pid()));
                try {
                    jmx = JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent()));
                } finally {
                    vm.detach();
                }
            } catch (com.sun.tools.attach.AttachNotSupportedException e) {
                throw new IOException("cannot attach to the service process " + pid() + ": " + e.getMessage(), e);
            }
        }
        return jmx.getMBeanServerConnection();
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        try {
            if (jmx != null) {
                jmx.close();
            }
        } catch (IOException ignored) {
            // the process goes away anyway
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
