package dev.craft.service.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Command-line options of {@link ReplicaBenchmark}; every option has a default, see {@link #USAGE}.
 *
 * @param phases           which of latency, throughput, ledger to run
 * @param bundle           tiny (the service's embedded bundle), a bundle name under $CRAFT_CACHE/bundles, or a directory
 * @param latencyShape     the single-client predict of the latency phase
 * @param requests         measured predicts per store in the latency phase
 * @param warmupRequests   unmeasured predicts per store before them
 * @param throughputShape  the predict of the throughput phase
 * @param clients          concurrent clients of the throughput phase
 * @param seconds          measured seconds of each throughput configuration in each round
 * @param warmupSeconds    load before a throughput configuration's first measurement (2 s before the later ones)
 * @param rounds           throughput rounds: every configuration is measured once per round, in a rotating order
 * @param ledgerThreads    thread counts of the ledger phase
 * @param ledgerSeconds    measured seconds of each ledger cell (after a warm-up of a fifth of it, at least 1 s)
 * @param serviceJar       the service jar to start (copied first, so a rebuild cannot disturb it)
 * @param serviceJvm       JVM options of each service process
 * @param label            a free-form label stored in the JSON (for example the commit measured)
 * @param out              JSON output file
 */
record ReplicaOptions(Set<String> phases, String bundle, Shape latencyShape, int requests, int warmupRequests,
                      Shape throughputShape, int clients, double seconds, double warmupSeconds, int rounds, int[] ledgerThreads,
                      double ledgerSeconds, Path serviceJar, List<String> serviceJvm, String label, Path out) {

    static final String USAGE = """
            usage: bench-replicas.sh [options]   (needs VLM_TEST_POSTGRES_URL; the script starts a durable cluster)
              --phases latency,throughput,ledger
              --bundle NAME|DIR          tiny (default, embedded), demo, bench (under $CRAFT_CACHE/bundles) or a bundle dir
              --latency-shape 1x10x16    P prompts x K classes x N images of the latency predicts
              --requests 300             measured predicts per store   --warmup-requests 200   unmeasured ones first
              --throughput-shape 40x10x160   the throughput predicts   --clients 8   concurrent clients
              --seconds 15               measured seconds per throughput configuration and round
              --warmup-seconds 10        load before a configuration's first measurement (2 s before later ones)
              --rounds 3                 throughput rounds, each measuring every configuration (rotating order)
              --ledger-threads 1,4,8     --ledger-seconds 5   per ledger cell
              --service-jar vlm-service/target/vlm-service.jar
              --service-jvm "-Xmx1g"     JVM options of each service process (space separated)
              --label TEXT               stored in the JSON
              --out target/bench-replicas.json
            """;

    private static final List<String> PHASES = List.of("latency", "throughput", "ledger");

    static ReplicaOptions parse(String[] args) {
        Set<String> phases = Set.copyOf(PHASES);
        String bundle = "tiny";
        Shape latencyShape = new Shape(1, 10, 16);
        int requests = 300;
        int warmupRequests = 200;
        Shape throughputShape = new Shape(40, 10, 160);
        int clients = 8;
        double seconds = 15;
        double warmupSeconds = 10;
        int rounds = 3;
        int[] ledgerThreads = {1, 4, 8};
        double ledgerSeconds = 5;
        Path serviceJar = Path.of("vlm-service/target/vlm-service.jar");
        List<String> serviceJvm = List.of("-Xmx1g");
        String label = "";
        Path out = Path.of("target/bench-replicas.json");
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (name.equals("--help") || name.equals("-h")) {
                throw new IllegalArgumentException(USAGE);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + name + " needs a value\n" + USAGE);
            }
            String value = args[++i];
            switch (name) {
                case "--phases" -> phases = BenchOptions.phases(value, PHASES);
                case "--bundle" -> bundle = value;
                case "--latency-shape" -> latencyShape = Shape.parse(name, value);
                case "--requests" -> requests = integer(name, value, 1);
                case "--warmup-requests" -> warmupRequests = integer(name, value, 0);
                case "--throughput-shape" -> throughputShape = Shape.parse(name, value);
                case "--clients" -> clients = integer(name, value, 1);
                case "--seconds" -> seconds = seconds(name, value);
                case "--warmup-seconds" -> warmupSeconds = seconds(name, value);
                case "--rounds" -> rounds = integer(name, value, 1);
                case "--ledger-threads" -> ledgerThreads = BenchOptions.ints(name, value);
                case "--ledger-seconds" -> ledgerSeconds = seconds(name, value);
                case "--service-jar" -> serviceJar = Path.of(value);
                case "--service-jvm" -> serviceJvm = value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
                case "--label" -> label = value;
                case "--out" -> out = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + name + "\n" + USAGE);
            }
        }
        return new ReplicaOptions(phases, bundle, latencyShape, requests, warmupRequests, throughputShape, clients,
                seconds, warmupSeconds, rounds, ledgerThreads, ledgerSeconds, serviceJar, serviceJvm, label, out);
    }

    boolean runs(String phase) {
        return phases.contains(phase);
    }

    /** P prompts x K classes x N images of one predict request; it charges P queries. */
    record Shape(int prompts, int classes, int images) {

        static Shape parse(String option, String value) {
            String[] parts = value.trim().split("x");
            if (parts.length != 3) {
                throw new IllegalArgumentException(option + " takes PxKxN (prompts x classes x images), got '" + value + "'");
            }
            int[] pkn = BenchOptions.ints(option, String.join(",", parts));
            return new Shape(pkn[0], pkn[1], pkn[2]);
        }

        @Override
        public String toString() {
            return prompts + "x" + classes + "x" + images;
        }
    }

    private static int integer(String name, String value, int min) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " takes an integer >= " + min + ", got '" + value + "'");
    }

    private static double seconds(String name, String value) {
        try {
            double seconds = Double.parseDouble(value);
            if (seconds > 0) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " takes a positive number of seconds, got '" + value + "'");
    }
}
