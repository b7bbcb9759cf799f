package dev.craft.service.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.DoubleStream;

/**
 * Closed-loop load: each worker repeats its operation without pause through a warm-up and then a measured window.
 * The load does not stop between the two, so the window sees a steady state; it counts the operations that ended
 * inside it and keeps their durations. A failed operation is counted, its first error kept, and its worker goes on.
 */
final class LoadWindow {

    private static final long PAUSE_AFTER_FAILURE_MS = 100;

    private LoadWindow() {
    }

    /**
     * @param atStart runs when the window opens (for example a CPU snapshot)
     * @param atEnd   runs when it closes, before the workers stop
     */
    static Result run(List<Interleaved.Work> workers, double warmupSeconds, double seconds, Runnable atStart,
                      Runnable atEnd) throws Exception {
        long opens = System.nanoTime() + (long) (warmupSeconds * 1e9);
        long closes = opens + (long) (seconds * 1e9);
        AtomicLong failures = new AtomicLong();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        ExecutorService pool = Executors.newFixedThreadPool(workers.size());
        try {
            List<Future<double[]>> durations = new ArrayList<>();
            for (Interleaved.Work work : workers) {
                durations.add(pool.submit(() -> loop(work, opens, closes, failures, firstFailure)));
            }
            sleepUntil(opens);
            atStart.run();
            long opened = System.nanoTime();
            sleepUntil(closes);
            atEnd.run();
            long closed = System.nanoTime();
            List<double[]> all = new ArrayList<>();
            for (Future<double[]> future : durations) {
                all.add(future.get());
            }
            double[] sorted = all.stream().flatMapToDouble(DoubleStream::of).sorted().toArray();
            return new Result((closed - opened) / 1e9, sorted.length, failures.get(), firstFailure.get(),
                    new Interleaved.Series(sorted));
        } finally {
            pool.shutdownNow();
        }
    }

    /** Milliseconds of this worker's operations that ended inside the window. */
    private static double[] loop(Interleaved.Work work, long opens, long closes, AtomicLong failures,
                                 AtomicReference<String> firstFailure) {
        DoubleStream.Builder inWindow = DoubleStream.builder();
        long now = System.nanoTime();
        while (now < closes) {
            long start = now;
            try {
                work.run();
                now = System.nanoTime();
                if (now >= opens && now < closes) {
                    inWindow.add((now - start) / 1e6);
                }
            } catch (Exception failure) {
                if (System.nanoTime() >= opens) {
                    failures.incrementAndGet();
                }
                firstFailure.compareAndSet(null, failure.toString());
                ServiceProcess.sleep(PAUSE_AFTER_FAILURE_MS);
                now = System.nanoTime();
            }
        }
        return inWindow.build().toArray();
    }

    private static void sleepUntil(long nanos) {
        long ms = (nanos - System.nanoTime()) / 1_000_000;
        if (ms > 0) {
            ServiceProcess.sleep(ms);
        }
    }

    /**
     * @param seconds      the window's wall time
     * @param operations   operations that ended inside it
     * @param failures     operations that failed after the warm-up
     * @param firstFailure the first error, warm-up included, or null
     * @param durations    milliseconds of the operations counted
     */
    record Result(double seconds, long operations, long failures, String firstFailure, Interleaved.Series durations) {

        double perSecond() {
            return operations / seconds;
        }
    }
}
