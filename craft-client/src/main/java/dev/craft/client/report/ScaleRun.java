package dev.craft.client.report;

import dev.craft.api.Tensor;
import dev.craft.client.bench.Reports;
import dev.craft.client.tune.RoundMetrics;
import dev.craft.client.tune.RunDirectory;
import dev.craft.client.tune.TuneConfig;
import dev.craft.client.tune.TuneReport;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A tuning run used as a scale case (the 1000-class ImageNet sample): its size, the time and queries
 * of its rounds, and its accuracies. With one image per class there is no held-out test set; the run
 * is made with the training images as its "test" set, so every accuracy here is on the training images.
 *
 * @param dir             the run directory
 * @param config          its config.json
 * @param report          its report.json
 * @param trainImages     N, from the checkpoint's current logits
 * @param metrics         every round of metrics.csv
 */
record ScaleRun(Path dir, TuneConfig config, TuneReport report, int trainImages, List<RoundMetrics> metrics) {

    static ScaleRun read(Path dir) throws IOException {
        RunDirectory run = RunDirectory.open(dir);
        TuneConfig config = run.readConfig();
        TuneReport report = Reports.read(dir);
        List<RoundMetrics> metrics = run.readMetrics();
        if (metrics.isEmpty()) {
            throw new IllegalArgumentException(dir + " has no rounds in metrics.csv; a scale run needs a prompt-search method");
        }
        int images = run.loadCurrentLogits(metrics.get(metrics.size() - 1).round()).map(Tensor::shape).map(s -> s[0])
                .orElse(-1);
        return new ScaleRun(dir, config, report, images, metrics);
    }

    /** Rounds averaged for the per-round times: all but the first (warm-up) when there are several. */
    List<RoundMetrics> measured() {
        return metrics.size() > 1 ? metrics.subList(1, metrics.size()) : metrics;
    }

    /** Mean wall time of a measured round, in ms (from elapsedMillis differences). */
    double roundMs() {
        List<RoundMetrics> m = measured();
        if (metrics.size() == 1) {
            return metrics.get(0).elapsedMillis();
        }
        long first = metrics.get(0).elapsedMillis();
        return (m.get(m.size() - 1).elapsedMillis() - first) / (double) m.size();
    }

    double mean(java.util.function.ToLongFunction<RoundMetrics> column) {
        return measured().stream().mapToLong(column).average().orElse(Double.NaN);
    }
}
