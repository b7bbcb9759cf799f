package dev.craft.service.bench;

import java.io.PrintStream;
import java.util.List;

/** What {@link ServiceOverheadBenchmark} writes: the JSON document and the printed tables. */
record BenchReport(String bundle, String modelId, String label, String date, Machine machine, List<String> serviceJvm,
                   long maxLogitsPerRequest, int maxPromptsPerRequest, double minSeconds, List<String> notes,
                   List<Overhead> overhead, List<Wire> wire, List<Memory> memory) {

    /**
     * @param threads engine (libtorch) intra-op threads in both processes
     */
    record Machine(int cores, String javaVersion, String os, int threads, String loadAverageBefore,
                   String loadAverageAfter) {
    }

    /**
     * One grid cell: the in-process forward against the round trip, measured interleaved.
     *
     * @param requests      predict requests the client sends for the cell (more than one when a limit splits it)
     * @param serverMsMean  mean service time per round trip (sum over its requests) from vlm.predict.duration:
     *                      quota, computation and ledger; not reading the request or writing the answer
     * @param overheadRatio roundTripMsMedian / forwardMsMedian
     * @param forwardCpuMsMean CPU time of the raw forward (its thread; the engine runs on it with one thread)
     * @param serviceCpuMsMean CPU time of the whole service process per round trip (all threads, /proc/PID/stat),
     *                         which, unlike wall time, a busy shared machine hardly changes
     * @param clientCpuMsMean  CPU time of the client process during a round trip (encoding the prompts, the HTTP
     *                         client, decoding the logits into a float array)
     */
    record Overhead(int prompts, int classes, int images, int requests, double forwardMsMedian, double forwardMsP90,
                    double roundTripMsMedian, double roundTripMsP90, double serverMsMean, double overheadRatio,
                    int repeats, double forwardCpuMsMean, double serviceCpuMsMean, double clientCpuMsMean) {
    }

    /**
     * The same single-request predict with the binary frame and tensor, and with JSON both ways.
     *
     * @param binaryBytes request plus response body bytes, binary
     * @param jsonBytes   request plus response body bytes, JSON
     */
    record Wire(int prompts, int classes, int images, double binaryMsMedian, double binaryMsP90, double jsonMsMedian,
                double jsonMsP90, long binaryBytes, long jsonBytes, int repeats) {
    }

    /**
     * Service memory while {@code concurrency} largest predicts run at once, from a fresh service process.
     *
     * @param heapUsedDeltaBytes peak heap in use (sum of the heap pools' peaks, JMX) minus the heap in use
     *                           after a full GC before the requests
     * @param rssDeltaBytes      peak resident set size (VmHWM after a reset) minus VmRSS before the requests
     * @param logitsBytes        the logits of one request as float32
     */
    record Memory(int concurrency, int prompts, int classes, int images, long heapUsedDeltaBytes, long rssDeltaBytes,
                  long logitsBytes, long heapUsedBeforeBytes, long rssBeforeBytes) {
    }

    static void overheadHeader(PrintStream out) {
        out.printf("%n%4s %5s %6s %4s | %10s %10s | %10s %10s | %9s | %6s | %9s %9s %6s | %9s | %4s%n", "P", "K", "N", "req",
                "fwd med", "fwd p90", "rt med", "rt p90", "server", "ratio", "fwd cpu", "svc cpu", "ratio", "cli cpu", "reps");
    }

    static void print(PrintStream out, Overhead o) {
        out.printf("%4d %5d %6d %4d | %10.1f %10.1f | %10.1f %10.1f | %9.1f | %6.2f | %9.1f %9.1f %6.2f | %9.1f | %4d%n",
                o.prompts(), o.classes(), o.images(), o.requests(), o.forwardMsMedian(), o.forwardMsP90(),
                o.roundTripMsMedian(), o.roundTripMsP90(), o.serverMsMean(), o.overheadRatio(), o.forwardCpuMsMean(),
                o.serviceCpuMsMean(), o.serviceCpuMsMean() / o.forwardCpuMsMean(), o.clientCpuMsMean(), o.repeats());
    }

    static void wireHeader(PrintStream out) {
        out.printf("%n%4s %5s %6s | %10s %10s | %8s | %12s %12s | %4s%n", "P", "K", "N", "binary ms", "json ms",
                "json/bin", "binary bytes", "json bytes", "reps");
    }

    static void print(PrintStream out, Wire w) {
        out.printf("%4d %5d %6d | %10.1f %10.1f | %8.1f | %12d %12d | %4d%n", w.prompts(), w.classes(), w.images(),
                w.binaryMsMedian(), w.jsonMsMedian(), w.jsonMsMedian() / w.binaryMsMedian(), w.binaryBytes(),
                w.jsonBytes(), w.repeats());
    }

    static void memoryHeader(PrintStream out) {
        out.printf("%n%4s %4s %5s %6s | %12s %12s | %14s %14s | %10s%n", "conc", "P", "K", "N", "heap d MiB",
                "RSS d MiB", "heap/req MiB", "RSS/req MiB", "logits MiB");
    }

    static void print(PrintStream out, Memory m) {
        double mib = 1024.0 * 1024.0;
        out.printf("%4d %4d %5d %6d | %12.0f %12.0f | %14.0f %14.0f | %10.0f%n", m.concurrency(), m.prompts(),
                m.classes(), m.images(), m.heapUsedDeltaBytes() / mib, m.rssDeltaBytes() / mib,
                m.heapUsedDeltaBytes() / mib / m.concurrency(), m.rssDeltaBytes() / mib / m.concurrency(),
                m.logitsBytes() / mib);
    }

    void printAll(PrintStream out) {
        out.printf("%nbundle %s (%s), %s; %d cores, load %s -> %s%n", bundle, modelId, label, machine.cores(),
                machine.loadAverageBefore(), machine.loadAverageAfter());
        if (!overhead.isEmpty()) {
            overheadHeader(out);
            overhead.forEach(o -> print(out, o));
        }
        if (!wire.isEmpty()) {
            wireHeader(out);
            wire.forEach(w -> print(out, w));
        }
        if (!memory.isEmpty()) {
            memoryHeader(out);
            memory.forEach(m -> print(out, m));
        }
        notes.forEach(note -> out.println("note: " + note));
    }
}
