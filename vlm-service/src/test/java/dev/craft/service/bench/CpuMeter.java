package dev.craft.service.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU used during a window by the service processes, the PostgreSQL cluster, this (client) process and the whole
 * machine, so that a reader sees where the cores went and whether they were all busy.
 */
final class CpuMeter {

    private static final com.sun.management.OperatingSystemMXBean CLIENT =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final List<ServiceProcess> services;
    private final PostgresServer postgres;
    private Snapshot start;

    /** @param postgres the cluster, or null when none is involved */
    CpuMeter(List<ServiceProcess> services, PostgresServer postgres) {
        this.services = List.copyOf(services);
        this.postgres = postgres;
    }

    void start() {
        start = snapshot();
    }

    Use stop() {
        Snapshot end = snapshot();
        List<Double> serviceSeconds = new ArrayList<>();
        for (int i = 0; i < services.size(); i++) {
            serviceSeconds.add((end.servicesMs.get(i) - start.servicesMs.get(i)) / 1000);
        }
        return new Use((end.nanos - start.nanos) / 1e9, serviceSeconds, (end.postgresMs - start.postgresMs) / 1000,
                (end.clientNs - start.clientNs) / 1e9, (end.machine.busyMs() - start.machine.busyMs()) / 1000,
                (end.machine.totalMs() - start.machine.totalMs()) / 1000);
    }

    private Snapshot snapshot() {
        try {
            List<Double> servicesMs = new ArrayList<>();
            for (ServiceProcess service : services) {
                servicesMs.add(service.cpuMs());
            }
            return new Snapshot(System.nanoTime(), servicesMs, postgres == null ? 0 : postgres.cpuMs(),
                    CLIENT.getProcessCpuTime(), ProcCpu.machine());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Snapshot(long nanos, List<Double> servicesMs, double postgresMs, long clientNs, ProcCpu.Machine machine) {
    }

    /**
     * CPU seconds used in a window of {@code wallSeconds}.
     *
     * @param serviceSeconds  per service process (all its threads)
     * @param postgresSeconds the PostgreSQL server and its backends (0 when none was measured)
     * @param clientSeconds   the benchmark process: the HTTP clients, or the ledger threads
     * @param machineBusySeconds every process on the machine, other work included (/proc/stat)
     * @param machineSeconds  what all cores could have given in the window (wall time x cores)
     */
    record Use(double wallSeconds, List<Double> serviceSeconds, double postgresSeconds, double clientSeconds,
               double machineBusySeconds, double machineSeconds) {

        double servicesTotalSeconds() {
            return serviceSeconds.stream().mapToDouble(Double::doubleValue).sum();
        }

        /** Busy fraction of all cores: 1.0 = saturated. */
        double machineBusyFraction() {
            return machineSeconds > 0 ? machineBusySeconds / machineSeconds : Double.NaN;
        }
    }
}
