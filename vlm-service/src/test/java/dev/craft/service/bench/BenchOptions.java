package dev.craft.service.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Command-line options of {@link ServiceOverheadBenchmark}; every option has a default, see {@link #USAGE}.
 *
 * @param bundle        tiny (the service's embedded bundle), a bundle name under $CRAFT_CACHE/bundles, or a directory
 * @param prompts       P values of the grid
 * @param classes       K values of the grid
 * @param images        N values of the grid
 * @param minSeconds    each cell repeats until forward + round trip took this long (and minRepeats are done)
 * @param minRepeats    repeats per cell at least
 * @param maxRepeats    repeats per cell at most
 * @param warmup        unmeasured runs of each path before a cell's measurement
 * @param warmupRequests small predicts (and forwards) before the first cell, so that the JIT has compiled both paths
 * @param threadCpu     also print the service's CPU time per round trip by thread group for every cell
 * @param wireMaxLogits the wire comparison (binary vs JSON) covers the cells with at most this many logits
 * @param concurrency   concurrent requests of the memory phase
 * @param phases        which of overhead, wire, memory to run
 * @param serviceJar    the service jar to start (copied first, so a rebuild cannot disturb it)
 * @param serviceJvm    JVM options of the service process
 * @param label         a free-form label stored in the JSON (for example the commit measured)
 * @param out           JSON output file, or null
 */
record BenchOptions(String bundle, int[] prompts, int[] classes, int[] images, double minSeconds, int minRepeats,
                    int maxRepeats, int warmup, int warmupRequests, boolean threadCpu, long wireMaxLogits, int[] concurrency, Set<String> phases,
                    Path serviceJar, List<String> serviceJvm, String label, Path out) {

    static final String USAGE = """
            usage: bench-service.sh [options]
              --bundle NAME|DIR        tiny (default, embedded), demo, bench (under $CRAFT_CACHE/bundles) or a bundle dir
              --prompts 1,40           P values            --classes 10,100,1000   K values
              --images 160,1600,16000  N values            --min-seconds 2         time per cell, at least
              --min-repeats 3          --max-repeats 30    --warmup 1              unmeasured runs per path and cell
              --warmup-requests 300    small predicts before the first cell (JIT)
              --thread-cpu false       print the service's CPU per round trip by thread group
              --wire-max-logits 16000000   binary vs JSON on the cells up to this many logits (0: none)
              --concurrency 1,4        concurrent requests of the memory phase
              --phases overhead,wire,memory
              --service-jar vlm-service/target/vlm-service.jar
              --service-jvm "-Xmx6g"   JVM options of the service process (space separated)
              --label TEXT             stored in the JSON        --out FILE   JSON results
            """;

    private static final List<String> PHASES = List.of("overhead", "wire", "memory");

    static BenchOptions parse(String[] args) {
        String bundle = "tiny";
        int[] prompts = {1, 40};
        int[] classes = {10, 100, 1000};
        int[] images = {160, 1600, 16000};
        double minSeconds = 2;
        int minRepeats = 3;
        int maxRepeats = 30;
        int warmup = 1;
        int warmupRequests = 300;
        boolean threadCpu = false;
        long wireMaxLogits = 16_000_000L;
        int[] concurrency = {1, 4};
        Set<String> phases = Set.copyOf(PHASES);
        Path serviceJar = Path.of("vlm-service/target/vlm-service.jar");
        List<String> serviceJvm = List.of("-Xmx6g");
        String label = "";
        Path out = null;
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
                case "--bundle" -> bundle = value;
                case "--prompts" -> prompts = ints(name, value);
                case "--classes" -> classes = ints(name, value);
                case "--images" -> images = ints(name, value);
                case "--min-seconds" -> minSeconds = Double.parseDouble(value);
                case "--min-repeats" -> minRepeats = Integer.parseInt(value);
                case "--max-repeats" -> maxRepeats = Integer.parseInt(value);
                case "--warmup" -> warmup = Integer.parseInt(value);
                case "--warmup-requests" -> warmupRequests = Integer.parseInt(value);
                case "--thread-cpu" -> threadCpu = Boolean.parseBoolean(value);
                case "--wire-max-logits" -> wireMaxLogits = Long.parseLong(value);
                case "--concurrency" -> concurrency = ints(name, value);
                case "--phases" -> phases = phases(value, PHASES);
                case "--service-jar" -> serviceJar = Path.of(value);
                case "--service-jvm" -> serviceJvm = value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
                case "--label" -> label = value;
                case "--out" -> out = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + name + "\n" + USAGE);
            }
        }
        if (minRepeats < 1 || maxRepeats < minRepeats || warmup < 0) {
            throw new IllegalArgumentException("need 1 <= --min-repeats <= --max-repeats and --warmup >= 0");
        }
        return new BenchOptions(bundle, prompts, classes, images, minSeconds, minRepeats, maxRepeats, warmup,
                warmupRequests, threadCpu, wireMaxLogits, concurrency, phases, serviceJar, serviceJvm, label, out);
    }

    boolean runs(String phase) {
        return phases.contains(phase);
    }

    static int[] ints(String name, String value) {
        try {
            int[] values = Arrays.stream(value.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
            if (values.length == 0 || Arrays.stream(values).anyMatch(v -> v < 1)) {
                throw new NumberFormatException();
            }
            return values;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " takes positive integers separated by commas, got '" + value + "'");
        }
    }

    /** The comma-separated phases of {@code value}, each one of {@code known} (in the message's order). */
    static Set<String> phases(String value, List<String> known) {
        List<String> chosen = new ArrayList<>();
        for (String phase : value.split(",")) {
            if (!known.contains(phase.trim())) {
                throw new IllegalArgumentException("--phases takes " + String.join(", ", known) + "; got '" + phase + "'");
            }
            chosen.add(phase.trim());
        }
        return Set.copyOf(chosen);
    }
}
