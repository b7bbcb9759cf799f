package dev.craft.service.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;

/**
 * What one grid cell measures besides wall time: CPU of the raw forward (its thread), of the client process
 * during round trips, and of the service process; and the service's own predict timer.
 */
final class CellMeters {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final ServiceProcess service;
    private double forwardCpuMs;
    private double clientCpuMs;
    private double serviceCpuStart;
    private double serverSecondsStart;
    private Map<String, Double> threadsStart;

    CellMeters(ServiceProcess service) {
        this.service = service;
    }

    /** Starts counting (after the warm-up). */
    void start() {
        forwardCpuMs = 0;
        clientCpuMs = 0;
        try {
            serverSecondsStart = service.predictTimer()[1];
            threadsStart = service.cpuMsByThreadGroup();
            serviceCpuStart = service.cpuMs();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void forward(Interleaved.Work work) throws Exception {
        long start = THREADS.getCurrentThreadCpuTime();
        work.run();
        forwardCpuMs += (THREADS.getCurrentThreadCpuTime() - start) / 1e6;
    }

    void roundTrip(Interleaved.Work work) throws Exception {
        long start = PROCESS.getProcessCpuTime();
        work.run();
        clientCpuMs += (PROCESS.getProcessCpuTime() - start) / 1e6;
    }

    /** Per-round means once the rounds are done. */
    Result stop(int rounds) {
        try {
            double serviceCpu = service.cpuMs() - serviceCpuStart;
            Map<String, Double> threads = service.cpuMsByThreadGroup();
            threads.replaceAll((name, ms) -> (ms - threadsStart.getOrDefault(name, 0.0)) / rounds);
            threads.values().removeIf(ms -> ms < 0.5);
            double serverMs = 1000 * (service.predictTimer()[1] - serverSecondsStart) / rounds;
            return new Result(forwardCpuMs / rounds, clientCpuMs / rounds, serviceCpu / rounds, serverMs, threads);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param serviceThreadsCpuMs service CPU per round by thread group (name without digits)
     */
    record Result(double forwardCpuMs, double clientCpuMs, double serviceCpuMs, double serverMs,
                  Map<String, Double> serviceThreadsCpuMs) {
    }
}
