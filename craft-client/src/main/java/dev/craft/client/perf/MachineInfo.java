package dev.craft.client.perf;

import dev.craft.client.DjlRuntime;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine a benchmark ran on, so that its numbers can be read in context.
 *
 * @param cores               processors the JVM sees
 * @param memoryBytes         physical memory (-1 when unknown)
 * @param cpuModel            from /proc/cpuinfo ("unknown" elsewhere)
 * @param os                  name, version and architecture
 * @param java                the JVM's version and vendor
 * @param loadAverageAtStart  the 1-minute system load average when the benchmark started (-1 when unknown);
 *                            above 0 means other work shared the machine
 * @param loadAverageAtEnd    the same when it finished
 * @param torchThreads        the client's libtorch intra-op threads (the ai.djl.pytorch.num_threads property;
 *                            "default" when libtorch chooses)
 * @param ompNumThreads       the OMP_NUM_THREADS environment variable of the client ("unset" if absent)
 */
public record MachineInfo(int cores, long memoryBytes, String cpuModel, String os, String java,
                          double loadAverageAtStart, double loadAverageAtEnd, String torchThreads,
                          String ompNumThreads) {

    /** The machine now; call {@link #finished()} at the end for the second load average. */
    public static MachineInfo current() {
        DjlRuntime.configure();
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        long memory = os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getTotalMemorySize() : -1;
        String threads = System.getProperty("ai.djl.pytorch.num_threads");
        String omp = System.getenv("OMP_NUM_THREADS");
        return new MachineInfo(Runtime.getRuntime().availableProcessors(), memory, readCpuModel(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")",
                os.getSystemLoadAverage(), Double.NaN, threads == null ? "default" : threads, omp == null ? "unset" : omp);
    }

    public MachineInfo finished() {
        return new MachineInfo(cores, memoryBytes, cpuModel, os, java, loadAverageAtStart,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), torchThreads, ompNumThreads);
    }

    private static String readCpuModel() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        try {
            if (Files.isReadable(cpuinfo)) {
                List<String> lines = Files.readAllLines(cpuinfo);
                for (String line : lines) {
                    if (line.startsWith("model name")) {
                        int colon = line.indexOf(':');
                        return colon < 0 ? line.strip() : line.substring(colon + 1).strip();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return "unknown";
    }
}
