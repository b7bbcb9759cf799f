package dev.craft.service.bench;

import java.io.PrintStream;
import java.util.List;

/** What {@link ReplicaBenchmark} writes: the JSON document and the printed tables. */
record ReplicaReport(String bundle, String label, String date, Machine machine, PostgresServer postgres,
                     List<String> serviceJvm, List<String> notes, Latency latency, List<Throughput> throughput,
                     List<Ledger> ledger) {

    record Machine(int cores, String javaVersion, String os, String loadAverageBefore, String loadAverageAfter) {
    }

    /**
     * Single-client predicts alternating between a service on H2 and one on PostgreSQL.
     *
     * @param shape         prompts x classes x images of each predict
     * @param requests      measured predicts per store
     * @param medianDiffMs  PostgreSQL minus H2 at the client-side median
     * @param p99DiffMs     PostgreSQL minus H2 at the client-side p99
     */
    record Latency(String shape, int requests, int warmupRequests, LatencyStore h2, LatencyStore postgres,
                   double medianDiffMs, double p99DiffMs) {
    }

    /**
     * @param medianMs client-side round trip (frame encoding and logits decoding included), likewise p90Ms and p99Ms
     * @param server   the service's own timers over the measured predicts
     */
    record LatencyStore(String store, double medianMs, double p90Ms, double p99Ms, ServerTimers.Summary server) {
    }

    /**
     * Concurrent clients for a fixed time, spread over the replicas (client i on replica i mod replicas).
     *
     * @param queriesPerSecond  queries charged per second (prompts per request x requests per second)
     * @param cpu               CPU seconds during the window by service process, PostgreSQL, client, whole machine
     * @param machineBusyFraction busy share of all cores during the window (1.0 = saturated), other work included
     */
    record Throughput(String configuration, String store, int replicas, int clients, String shape, double seconds,
                      long requests, long failures, String firstFailure, double requestsPerSecond,
                      double queriesPerSecond, double latencyMedianMs, double latencyP99Ms, CpuMeter.Use cpu,
                      double machineBusyFraction) {
    }

    /**
     * The metering path alone, on one ledger instance: each operation is what the service does around a keyed
     * predict (prior-charge lookup, reserve, commit).
     *
     * @param rows "shared" (all threads charge one tenant row) or "own" (a tenant row per thread)
     */
    record Ledger(String store, int threads, String rows, double seconds, long operations, long failures,
                  String firstFailure, double operationsPerSecond, double medianMs, double p99Ms, CpuMeter.Use cpu,
                  double machineBusyFraction) {
    }

    void printAll(PrintStream out) {
        out.printf("%nbundle %s, %s; %d cores, load %s -> %s; PostgreSQL %s (fsync %s, synchronous_commit %s)%n",
                bundle, label, machine.cores(), machine.loadAverageBefore(), machine.loadAverageAfter(),
                postgres.version(), postgres.fsync(), postgres.synchronousCommit());
        if (latency != null) {
            print(out, latency);
        }
        if (!throughput.isEmpty()) {
            throughputHeader(out);
            throughput.forEach(t -> print(out, t));
        }
        if (!ledger.isEmpty()) {
            ledgerHeader(out);
            ledger.forEach(l -> print(out, l));
        }
        notes.forEach(note -> out.println("note: " + note));
    }

    static void print(PrintStream out, Latency l) {
        out.printf("%nlatency, one client, predict %s, %d measured per store after %d warm-up, alternating%n",
                l.shape(), l.requests(), l.warmupRequests());
        out.printf("%-9s | %9s %9s %9s | %11s %10s %10s | %9s %7s%n", "store", "rt med", "rt p90", "rt p99",
                "server mean", "server p50", "server p99", "db ms/req", "db uses");
        for (LatencyStore s : List.of(l.h2(), l.postgres())) {
            out.printf("%-9s | %9.2f %9.2f %9.2f | %11.2f %10.2f %10.2f | %9.2f %7.1f%n", s.store(), s.medianMs(),
                    s.p90Ms(), s.p99Ms(), s.server().meanMs(), s.server().p50Ms(), s.server().p99Ms(),
                    s.server().dbMsPerRequest(), s.server().dbUsesPerRequest());
        }
        out.printf("PostgreSQL - H2: %+.2f ms at the median, %+.2f ms at p99 (client side); server mean %+.2f ms%n",
                l.medianDiffMs(), l.p99DiffMs(), l.postgres().server().meanMs() - l.h2().server().meanMs());
    }

    static void throughputHeader(PrintStream out) {
        out.printf("%n%-18s %4s %4s %10s | %8s %9s | %8s %8s | %9s %9s %9s %9s | %5s | %s%n", "throughput", "rep",
                "cli", "shape", "req/s", "queries/s", "lat med", "lat p99", "svc cpu s", "pg cpu s", "cli cpu s",
                "wall s", "busy", "requests, failures");
    }

    static void print(PrintStream out, Throughput t) {
        out.printf("%-18s %4d %4d %10s | %8.1f %9.0f | %8.1f %8.1f | %9.1f %9.1f %9.1f %9.1f | %5.2f | %d, %d%s%n",
                t.configuration(), t.replicas(), t.clients(), t.shape(), t.requestsPerSecond(), t.queriesPerSecond(),
                t.latencyMedianMs(), t.latencyP99Ms(), t.cpu().servicesTotalSeconds(), t.cpu().postgresSeconds(),
                t.cpu().clientSeconds(), t.cpu().wallSeconds(), t.machineBusyFraction(), t.requests(), t.failures(),
                t.firstFailure() == null ? "" : " (first: " + t.firstFailure() + ")");
    }

    static void ledgerHeader(PrintStream out) {
        out.printf("%n%-8s %7s %6s | %9s | %8s %8s | %8s %9s %6s | %s%n", "ledger", "threads", "rows", "ops/s",
                "med ms", "p99 ms", "pg cpu s", "cli cpu s", "busy", "operations, failures");
    }

    static void print(PrintStream out, Ledger l) {
        out.printf("%-8s %7d %6s | %9.1f | %8.2f %8.2f | %8.1f %9.1f %6.2f | %d, %d%s%n", l.store(), l.threads(),
                l.rows(), l.operationsPerSecond(), l.medianMs(), l.p99Ms(), l.cpu().postgresSeconds(),
                l.cpu().clientSeconds(), l.machineBusyFraction(), l.operations(), l.failures(),
                l.firstFailure() == null ? "" : " (first: " + l.firstFailure() + ")");
    }
}
