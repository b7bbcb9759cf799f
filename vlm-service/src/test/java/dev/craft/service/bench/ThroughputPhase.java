package dev.craft.service.bench;

import dev.craft.service.testsupport.PostgresTestDatabase;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Phase throughput: predicts per second with a fixed number of concurrent clients, on one replica on H2 (the
 * baseline), one replica on PostgreSQL, two replicas on one PostgreSQL database and features dir with the clients
 * spread over both, and one replica on PostgreSQL that computes two requests at once ({@code vlm.compute.concurrency=2}:
 * what one process can do with a second core). All three services run throughout; each round measures every configuration once, in an order that
 * rotates from round to round, so that drift of the machine (other load, CPU frequency, the JIT) is spread over all
 * three instead of landing on whichever ran first. The summary is the median over rounds. CPU seconds of every
 * process and of the machine show whether the cores were saturated.
 */
final class ThroughputPhase {

    /** Load before a configuration's later measurements: the previous configuration's requests drain meanwhile. */
    private static final double SETTLE_SECONDS = 2;

    private final ReplicaOptions options;
    private final ServiceLauncher launcher;
    private final PostgresServer postgresServer;

    ThroughputPhase(ReplicaOptions options, ServiceLauncher launcher, PostgresServer postgresServer) {
        this.options = options;
        this.launcher = launcher;
        this.postgresServer = postgresServer;
    }

    private record Configuration(String name, String store, List<ServiceProcess> replicas, List<PredictWorkload> workloads) {
    }

    List<ReplicaReport.Throughput> run() throws Exception {
        System.out.printf("%nthroughput: %d clients, predict %s, %d rounds of %.0f s measured per configuration (%.0f s"
                        + " warm-up before the first)%n", options.clients(), options.throughputShape(), options.rounds(),
                options.seconds(), options.warmupSeconds());
        List<ReplicaReport.Throughput> rows = new ArrayList<>();
        try (ServiceProcess h2 = launcher.h2("throughput-h2");
             PostgresTestDatabase database = PostgresTestDatabase.create();
             ServiceProcess a = launcher.postgres("throughput-a", database, launcher.work().resolve("throughput-features"));
             ServiceProcess b = launcher.postgres("throughput-b", database, launcher.work().resolve("throughput-features"));
             ServiceProcess c = launcher.postgres("throughput-c2", database, launcher.work().resolve("throughput-features"),
                     "--vlm.compute.concurrency=2", "--vlm.model.threads=1")) {
            PredictWorkload onA = PredictWorkload.prepare(a, options.throughputShape());
            List<Configuration> configurations = List.of(
                    new Configuration("h2, 1 replica", "h2", List.of(h2), List.of(PredictWorkload.prepare(h2, options.throughputShape()))),
                    new Configuration("pg, 1 replica", "postgres", List.of(a), List.of(onA)),
                    new Configuration("pg, 2 replicas", "postgres", List.of(a, b), List.of(onA, onA.on(b))),
                    new Configuration("pg, 1 replica c=2", "postgres", List.of(c), List.of(onA.on(c))));
            ReplicaReport.throughputHeader(System.out);
            for (int round = 0; round < options.rounds(); round++) {
                for (int i = 0; i < configurations.size(); i++) {
                    Configuration configuration = configurations.get((i + round) % configurations.size());
                    rows.add(measure(configuration, round + 1,
                            round == 0 ? options.warmupSeconds() : Math.min(SETTLE_SECONDS, options.warmupSeconds())));
                }
            }
            printMedians(configurations, rows);
        }
        return rows;
    }

    /** Client i sends to replica i mod replicas. */
    private ReplicaReport.Throughput measure(Configuration configuration, int round, double warmupSeconds) throws Exception {
        List<Interleaved.Work> clients = new ArrayList<>();
        for (int i = 0; i < options.clients(); i++) {
            clients.add(configuration.workloads().get(i % configuration.workloads().size())::predict);
        }
        CpuMeter cpu = new CpuMeter(configuration.replicas(), postgresServer);
        CpuMeter.Use[] use = new CpuMeter.Use[1];
        LoadWindow.Result result = LoadWindow.run(clients, warmupSeconds, options.seconds(), cpu::start,
                () -> use[0] = cpu.stop());
        String name = configuration.name() + " #" + round;
        if (result.operations() == 0) {
            throw new IllegalStateException(name + ": no predict succeeded; first error: " + result.firstFailure());
        }
        ReplicaReport.Throughput row = new ReplicaReport.Throughput(name, configuration.store(),
                configuration.replicas().size(), options.clients(), options.throughputShape().toString(), result.seconds(),
                result.operations(), result.failures(), result.firstFailure(), result.perSecond(),
                result.perSecond() * options.throughputShape().prompts(), result.durations().median(),
                result.durations().p99(), use[0], use[0].machineBusyFraction());
        ReplicaReport.print(System.out, row);
        return row;
    }

    private static void printMedians(List<Configuration> configurations, List<ReplicaReport.Throughput> rows) {
        System.out.printf("%nthroughput, median over rounds (requests/s; each round's value in brackets)%n");
        for (Configuration configuration : configurations) {
            double[] perRound = rows.stream().filter(r -> r.configuration().startsWith(configuration.name() + " #"))
                    .mapToDouble(ReplicaReport.Throughput::requestsPerSecond).toArray();
            double median = new Interleaved.Series(Arrays.stream(perRound).sorted().toArray()).median();
            System.out.printf("%-14s %8.1f  %s%n", configuration.name(), median, Arrays.toString(perRound));
        }
    }
}
