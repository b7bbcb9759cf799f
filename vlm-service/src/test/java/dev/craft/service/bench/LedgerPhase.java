package dev.craft.service.bench;

import dev.craft.service.auth.Tenant;
import dev.craft.service.metering.LedgerReplica;
import dev.craft.service.metering.QuotaLedger;
import dev.craft.service.metering.Reservation;
import dev.craft.service.testsupport.TestStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Phase ledger: the metering path alone, without HTTP or computation, on PostgreSQL and on H2 (each committing as
 * the service does). Each operation is what the service's MeteredExecution does around a keyed predict: look up a
 * prior charge under a fresh idempotency key, reserve, commit. Threads either all charge one tenant (one
 * tenant_usage row, whose conditional UPDATE holds its row lock until the commit, so they queue) or each its own.
 */
final class LedgerPhase {

    private static final long QUOTA = 1_000_000_000_000L;
    private static final String SHARED = "shared";
    private static final String OWN = "own";

    private final ReplicaOptions options;
    private final PostgresServer postgresServer;
    private final Path work;

    LedgerPhase(ReplicaOptions options, PostgresServer postgresServer, Path work) {
        this.options = options;
        this.postgresServer = postgresServer;
        this.work = work;
    }

    List<ReplicaReport.Ledger> run() throws Exception {
        int maxThreads = Arrays.stream(options.ledgerThreads()).max().orElseThrow();
        System.out.printf("%nledger: lookup + reserve + commit of %d queries, threads %s, %.0f s per cell%n",
                queries(), Arrays.toString(options.ledgerThreads()), options.ledgerSeconds());
        List<ReplicaReport.Ledger> rows = new ArrayList<>();
        ReplicaReport.ledgerHeader(System.out);
        for (TestStore store : List.of(TestStore.POSTGRES, TestStore.H2)) {
            Path dir = Files.createDirectories(work.resolve("ledger-" + store.property()));
            try (TestStore.MigratedDatabase database = store.openCommittingAsTheService(dir)) {
                database.dataSource().getHikariConfigMXBean().setMaximumPoolSize(maxThreads + 2);
                List<Tenant> tenants = new ArrayList<>();
                tenants.add(new Tenant(SHARED, QUOTA));
                for (int i = 0; i < maxThreads; i++) {
                    tenants.add(new Tenant(OWN + "-" + i, QUOTA));
                }
                QuotaLedger ledger = LedgerReplica.start(store, database.dataSource(), "bench", Clock.systemUTC(),
                        Duration.ofMinutes(2), tenants).ledger();
                // The JIT and the pool warm up once per store, so that the first cell is not the slow one.
                measure(store, ledger, tenants, maxThreads, OWN, Math.max(2, options.ledgerSeconds() / 2), 0.5);
                for (int threads : options.ledgerThreads()) {
                    for (String rowMode : List.of(SHARED, OWN)) {
                        ReplicaReport.Ledger row = measure(store, ledger, tenants, threads, rowMode,
                                Math.max(1, options.ledgerSeconds() / 5), options.ledgerSeconds());
                        ReplicaReport.print(System.out, row);
                        rows.add(row);
                    }
                }
            }
        }
        return rows;
    }

    private ReplicaReport.Ledger measure(TestStore store, QuotaLedger ledger, List<Tenant> tenants, int threads,
                                         String rows, double warmupSeconds, double seconds) throws Exception {
        List<Interleaved.Work> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Tenant tenant = rows.equals(SHARED) ? tenants.get(0) : tenants.get(1 + i);
            workers.add(() -> meter(ledger, tenant));
        }
        CpuMeter cpu = new CpuMeter(List.of(), postgresServer);
        CpuMeter.Use[] use = new CpuMeter.Use[1];
        LoadWindow.Result result = LoadWindow.run(workers, warmupSeconds, seconds, cpu::start, () -> use[0] = cpu.stop());
        return new ReplicaReport.Ledger(store.property(), threads, rows, result.seconds(), result.operations(),
                result.failures(), result.firstFailure(), result.perSecond(), result.durations().median(),
                result.durations().p99(), use[0], use[0].machineBusyFraction());
    }

    private void meter(QuotaLedger ledger, Tenant tenant) {
        String key = UUID.randomUUID().toString();
        ledger.priorCharge(tenant, key);
        try (Reservation reservation = ledger.reserve(tenant, "predict", queries())) {
            reservation.commit(key, "bench-digest");
        }
    }

    /** As many queries as a predict of the throughput phase charges. */
    private long queries() {
        return options.throughputShape().prompts();
    }
}
