package dev.craft.service.bench;

import ch.qos.logback.classic.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Several replicas with PostgreSQL metering: what PostgreSQL adds to a small predict against H2 (latency), predicts
 * per second with one and two replicas on one PostgreSQL (throughput), and reserve + commit per second of the ledger
 * alone, on one tenant row and on one row per thread (ledger). The service runs as separate processes of the real
 * jar. Run it with {@code scripts/bench-replicas.sh}, which starts a durable throwaway PostgreSQL (see
 * docs/benchmarks-service.md, "Several replicas").
 */
public final class ReplicaBenchmark {

    private final ReplicaOptions options;
    private final PostgresServer postgres;
    private final Path work;
    private final List<String> notes = new ArrayList<>();

    private ReplicaBenchmark(ReplicaOptions options, PostgresServer postgres, Path work) {
        this.options = options;
        this.postgres = postgres;
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        // The ledger phase runs Hikari and Flyway in this process, whose INFO lines would bury the tables.
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        ReplicaOptions options;
        PostgresServer postgres;
        try {
            options = ReplicaOptions.parse(args);
            postgres = PostgresServer.connect();
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        // Interrupted (Ctrl-C), the try-with-resources never closes the service processes: end them here.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessHandle.current().descendants()
                .forEach(ProcessHandle::destroy)));
        long start = System.nanoTime();
        Path work = Files.createTempDirectory("vlm-replica-bench");
        try {
            ReplicaReport report = new ReplicaBenchmark(options, postgres, work).run();
            report.printAll(System.out);
            ServiceOverheadBenchmark.writeJson(report, options.out());
        } finally {
            ServiceOverheadBenchmark.deleteTree(work);
        }
        System.out.printf("took %.0f s%n", (System.nanoTime() - start) / 1e9);
        System.exit(0);
    }

    private ReplicaReport run() throws Exception {
        String loadBefore = ServiceOverheadBenchmark.loadAverage();
        if (!postgres.durable()) {
            String warning = "PostgreSQL ran with fsync " + postgres.fsync() + " and synchronous_commit "
                    + postgres.synchronousCommit() + ": commits did not wait for the disk, which flatters it"
                    + " (scripts/bench-replicas.sh starts a durable cluster)";
            System.out.println("WARNING: " + warning);
            notes.add(warning);
        }
        System.out.printf("PostgreSQL %s (postmaster pid %d), %d cores, bundle %s%n", postgres.version(),
                postgres.postmasterPid(), Runtime.getRuntime().availableProcessors(), options.bundle());
        ServiceLauncher launcher = new ServiceLauncher(ServiceOverheadBenchmark.copyJar(options.serviceJar(), work),
                options.serviceJvm(), ServiceOverheadBenchmark.bundleDir(options.bundle()), work);
        ReplicaReport.Latency latency = options.runs("latency") ? LatencyPhase.run(options, launcher) : null;
        List<ReplicaReport.Throughput> throughput = options.runs("throughput")
                ? new ThroughputPhase(options, launcher, postgres).run() : List.of();
        List<ReplicaReport.Ledger> ledger = options.runs("ledger")
                ? new LedgerPhase(options, postgres, work).run() : List.of();
        notes.add("Every service process runs with OMP_NUM_THREADS=" + ServiceOverheadBenchmark.threads()
                + " and vlm.compute.concurrency 1 (the default): one computation at a time per replica.");
        notes.add("CPU seconds come from /proc: each service process, the PostgreSQL server with its backends, this"
                + " benchmark process (the clients), and the whole machine (busy = all cores' busy share, other work"
                + " included).");
        ReplicaReport.Machine machine = new ReplicaReport.Machine(Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), System.getProperty("os.name") + " " + System.getProperty("os.version")
                + " " + System.getProperty("os.arch"), loadBefore, ServiceOverheadBenchmark.loadAverage());
        return new ReplicaReport(options.bundle(), options.label(), Instant.now().toString(), machine, postgres,
                options.serviceJvm(), notes, latency, throughput, ledger);
    }
}
