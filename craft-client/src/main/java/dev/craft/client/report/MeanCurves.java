package dev.craft.client.report;

import dev.craft.client.bench.BenchSummary;
import dev.craft.client.bench.RunCurve;
import dev.craft.client.tune.Method;
import dev.craft.client.tune.TuneReport;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Query-efficiency curves of a bench (paper Fig. 3): per prompt-search method at one shot count, the
 * test accuracy after each evaluated round averaged over the seeds that evaluated that point.
 */
final class MeanCurves {

    private MeanCurves() {
    }

    /** One mean curve per method that searches prompts (zs and pr have no query axis), for {@code shots}. */
    static List<RunCurve> of(BenchInput bench, int shots) throws IOException {
        Map<String, List<RunCurve>> byMethod = new java.util.LinkedHashMap<>();
        for (TuneReport report : bench.summary().reports()) {
            if (report.shots() != shots || !Method.fromId(report.method()).searchesPrompt()) {
                continue;
            }
            byMethod.computeIfAbsent(report.method(), m -> new ArrayList<>()).add(RunCurve.load(bench.runDir(report)));
        }
        List<RunCurve> curves = new ArrayList<>();
        byMethod.forEach((method, runs) -> curves.add(mean(BenchSummary.label(method) + " " + shots + "-shot"
                + (runs.size() > 1 ? " (mean of " + runs.size() + " seeds)" : ""), runs)));
        return curves;
    }

    /** Pointwise mean at the training-query counts every run evaluated. */
    static RunCurve mean(String label, List<RunCurve> runs) {
        TreeMap<Long, double[]> sums = new TreeMap<>();
        for (RunCurve run : runs) {
            for (int i = 0; i < run.trainQueries().length; i++) {
                double[] s = sums.computeIfAbsent(run.trainQueries()[i], q -> new double[2]);
                s[0] += run.testAccuracy()[i];
                s[1]++;
            }
        }
        sums.values().removeIf(s -> s[1] < runs.size());
        long[] queries = sums.keySet().stream().mapToLong(Long::longValue).toArray();
        double[] accuracy = sums.values().stream().mapToDouble(s -> s[0] / s[1]).toArray();
        double zeroShot = runs.stream().mapToDouble(RunCurve::zeroShotAccuracy).average().orElse(Double.NaN);
        return new RunCurve(label, queries, accuracy, zeroShot);
    }
}
