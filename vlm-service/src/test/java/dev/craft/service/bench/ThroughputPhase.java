package dev.craft.service.bench;

import dev.craft.service.testsupport.PostgresTestDatabase;

import java.util.ArrayList;
import java.util.List;

/**
 * Phase throughput: predicts per second with a fixed number of concurrent clients, on one replica on H2 (the
 * baseline), one replica on PostgreSQL, and two replicas on one PostgreSQL database and features dir with the clients
 * spread over both. CPU seconds of every process and of the machine show whether the cores were saturated.
 */
final class ThroughputPhase {

    private final ReplicaOptions options;
    private final ServiceLauncher launcher;
    private final PostgresServer postgresServer;

    ThroughputPhase(ReplicaOptions options, ServiceLauncher launcher, PostgresServer postgresServer) {
        this.options = options;
        this.launcher = launcher;
        this.postgresServer = postgresServer;
    }

    List<ReplicaReport.Throughput> run() throws Exception {
        System.out.printf("%nthroughput: %d clients, predict %s, %.0f s warm-up and %.0f s measured per configuration%n",
                options.clients(), options.throughputShape(), options.warmupSeconds(), options.seconds());
        List<ReplicaReport.Throughput> rows = new ArrayList<>();
        try (ServiceProcess h2 = launcher.h2("throughput-h2")) {
            rows.add(measure("h2, 1 replica", "h2", List.of(h2), List.of(PredictWorkload.prepare(h2, options.throughputShape()))));
        }
        try (PostgresTestDatabase database = PostgresTestDatabase.create();
             ServiceProcess a = launcher.postgres("throughput-a", database, launcher.work().resolve("throughput-features"))) {
            PredictWorkload onA = PredictWorkload.prepare(a, options.throughputShape());
            rows.add(measure("pg, 1 replica", "postgres", List.of(a), List.of(onA)));
            try (ServiceProcess b = launcher.postgres("throughput-b", database, launcher.work().resolve("throughput-features"))) {
                rows.add(measure("pg, 2 replicas", "postgres", List.of(a, b), List.of(onA, onA.on(b))));
            }
        }
        return rows;
    }

    /** Client i sends to replica i mod replicas. */
    private ReplicaReport.Throughput measure(String configuration, String store, List<ServiceProcess> replicas,
                                             List<PredictWorkload> workloads) throws Exception {
        List<Interleaved.Work> clients = new ArrayList<>();
        for (int i = 0; i < options.clients(); i++) {
            clients.add(workloads.get(i % workloads.size())::predict);
        }
        CpuMeter cpu = new CpuMeter(replicas, postgresServer);
        CpuMeter.Use[] use = new CpuMeter.Use[1];
        LoadWindow.Result result = LoadWindow.run(clients, options.warmupSeconds(), options.seconds(), cpu::start,
                () -> use[0] = cpu.stop());
        if (result.operations() == 0) {
            throw new IllegalStateException(configuration + ": no predict succeeded; first error: " + result.firstFailure());
        }
        ReplicaReport.Throughput row = new ReplicaReport.Throughput(configuration, store, replicas.size(),
                options.clients(), options.throughputShape().toString(), result.seconds(), result.operations(),
                result.failures(), result.firstFailure(), result.perSecond(),
                result.perSecond() * options.throughputShape().prompts(), result.durations().median(),
                result.durations().p99(), use[0], use[0].machineBusyFraction());
        ReplicaReport.throughputHeader(System.out);
        ReplicaReport.print(System.out, row);
        return row;
    }
}
