package dev.craft.service.bench;

import dev.craft.service.testsupport.PostgresTestDatabase;

/**
 * Phase latency: what PostgreSQL metering adds to a small predict. One client sends predicts alternately to a
 * service on its embedded H2 and to one on PostgreSQL (so load drift hits both alike), one at a time; the request is
 * small so that the metering is as large a share of it as it gets.
 */
final class LatencyPhase {

    private LatencyPhase() {
    }

    static ReplicaReport.Latency run(ReplicaOptions options, ServiceLauncher launcher) throws Exception {
        ReplicaOptions.Shape shape = options.latencyShape();
        System.out.printf("%nlatency: predict %s, %d warm-up and %d measured per store%n", shape,
                options.warmupRequests(), options.requests());
        try (PostgresTestDatabase database = PostgresTestDatabase.create();
             ServiceProcess h2 = launcher.h2("latency-h2");
             ServiceProcess postgres = launcher.postgres("latency-postgres", database,
                     launcher.work().resolve("latency-features"))) {
            PredictWorkload onH2 = PredictWorkload.prepare(h2, shape);
            PredictWorkload onPostgres = PredictWorkload.prepare(postgres, shape);
            ServerTimers[] before = new ServerTimers[2];
            Interleaved.Series[] series = Interleaved.time(
                    new Interleaved.Rounds(options.warmupRequests(), options.requests(), options.requests(), 0),
                    () -> {
                        before[0] = ServerTimers.read(h2);
                        before[1] = ServerTimers.read(postgres);
                    },
                    onH2::predict, onPostgres::predict);
            ReplicaReport.LatencyStore h2Row = row("h2", series[0], ServerTimers.read(h2).since(before[0]));
            ReplicaReport.LatencyStore postgresRow = row("postgres", series[1],
                    ServerTimers.read(postgres).since(before[1]));
            ReplicaReport.Latency latency = new ReplicaReport.Latency(shape.toString(), options.requests(),
                    options.warmupRequests(), h2Row, postgresRow, postgresRow.medianMs() - h2Row.medianMs(),
                    postgresRow.p99Ms() - h2Row.p99Ms());
            ReplicaReport.print(System.out, latency);
            return latency;
        }
    }

    private static ReplicaReport.LatencyStore row(String store, Interleaved.Series series, ServerTimers.Summary server) {
        return new ReplicaReport.LatencyStore(store, series.median(), series.p90(), series.p99(), server);
    }
}
