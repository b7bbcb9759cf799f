package dev.craft.client.bench;

import dev.craft.client.tune.Method;
import dev.craft.client.tune.TuneReport;

import java.util.Locale;

/** One run of a benchmark grid: a method, a shot count and a seed. */
public record BenchCell(Method method, int shots, long seed) {

    /** The cell's run directory name inside BENCH_DIR, for example {@code craft-16shot-seed1}. */
    public String dirName() {
        return method.id() + "-" + shots + "shot-seed" + seed;
    }

    /** For messages: {@code craft 16-shot seed 1}. */
    public String label() {
        return String.format(Locale.ROOT, "%s %d-shot seed %d", method.id(), shots, seed);
    }

    /** True when {@code report} is this cell's run with {@code budget} training queries allowed. */
    public boolean isReportedBy(TuneReport report, long budget) {
        return method.id().equals(report.method()) && shots == report.shots() && seed == report.seed()
                && budget == report.budget();
    }
}
