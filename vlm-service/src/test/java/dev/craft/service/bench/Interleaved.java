package dev.craft.service.bench;

import java.util.Arrays;

/**
 * Times several ways of doing the same work side by side: warm-up runs of each, then rounds of one
 * run of each in turn, until the rounds took {@code minSeconds} in total and at least
 * {@code minRepeats} rounds are done (at most {@code maxRepeats}). Interleaving spreads the noise of
 * a shared machine over all of them alike.
 */
final class Interleaved {

    private Interleaved() {
    }

    interface Work {
        void run() throws Exception;
    }

    /** Milliseconds of each run, sorted, one array per work; {@code measuring} runs between warm-up and measurement. */
    static Series[] time(BenchOptions options, Runnable measuring, Work... works) throws Exception {
        return time(new Rounds(options.warmup(), options.minRepeats(), options.maxRepeats(), options.minSeconds()),
                measuring, works);
    }

    /** As {@link #time(BenchOptions, Runnable, Work...)} with the rounds given directly. */
    static Series[] time(Rounds options, Runnable measuring, Work... works) throws Exception {
        for (int i = 0; i < options.warmup(); i++) {
            for (Work work : works) {
                work.run();
            }
        }
        measuring.run();
        double[][] ms = new double[works.length][options.maxRepeats()];
        long started = System.nanoTime();
        int rounds = 0;
        while (rounds < options.maxRepeats()
                && (rounds < options.minRepeats() || (System.nanoTime() - started) / 1e9 < options.minSeconds())) {
            for (int w = 0; w < works.length; w++) {
                long start = System.nanoTime();
                works[w].run();
                ms[w][rounds] = (System.nanoTime() - start) / 1e6;
            }
            rounds++;
        }
        Series[] series = new Series[works.length];
        for (int w = 0; w < works.length; w++) {
            double[] sorted = Arrays.copyOf(ms[w], rounds);
            Arrays.sort(sorted);
            series[w] = new Series(sorted);
        }
        return series;
    }

    /**
     * How many rounds to run.
     *
     * @param warmup     unmeasured rounds first
     * @param minRepeats measured rounds at least
     * @param maxRepeats measured rounds at most
     * @param minSeconds measured rounds continue until they took this long (within minRepeats and maxRepeats)
     */
    record Rounds(int warmup, int minRepeats, int maxRepeats, double minSeconds) {
    }

    /** Sorted milliseconds of one work. */
    record Series(double[] sorted) {

        double median() {
            int n = sorted.length;
            if (n == 0) {
                return Double.NaN;
            }
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }

        /** The 90th percentile, nearest rank. */
        double p90() {
            return percentile(0.9);
        }

        /** The 99th percentile, nearest rank. */
        double p99() {
            return percentile(0.99);
        }

        /** The {@code q} quantile, nearest rank; NaN when there is no run. */
        double percentile(double q) {
            return sorted.length == 0 ? Double.NaN : sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)];
        }

        int repeats() {
            return sorted.length;
        }
    }
}
