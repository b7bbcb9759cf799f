package dev.craft.client.bench;

import dev.craft.client.tune.RoundMetrics;
import dev.craft.client.tune.TuneReport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's query-efficiency curve: test accuracy against training queries used, from the rounds of
 * metrics.csv that were evaluated.
 *
 * @param label          method, shots and seed of the run
 * @param trainQueries   training queries used after each evaluated round
 * @param testAccuracy   test accuracy (a fraction) after that round
 * @param zeroShotAccuracy from report.json; NaN when the run has not finished
 */
public record RunCurve(String label, long[] trainQueries, double[] testAccuracy, double zeroShotAccuracy) {

    /** @throws IllegalArgumentException when {@code runDir} is not a run or has no evaluated round */
    public static RunCurve load(Path runDir) throws IOException {
        Path metrics = runDir.resolve("metrics.csv");
        if (!Files.isRegularFile(metrics)) {
            throw new IllegalArgumentException(runDir + " is not a run directory (no metrics.csv)");
        }
        List<String> lines = Files.readAllLines(metrics);
        if (lines.isEmpty() || !RoundMetrics.isHeader(lines.get(0).strip())) {
            throw new IllegalArgumentException(metrics + " does not start with the metrics.csv header");
        }
        List<RoundMetrics> evaluated = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            RoundMetrics row;
            try {
                row = RoundMetrics.parse(lines.get(i).strip());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(metrics + " line " + (i + 1) + " is not a metrics row");
            }
            if (Double.isFinite(row.testAccuracy())) {
                evaluated.add(row);
            }
        }
        if (evaluated.isEmpty()) {
            throw new IllegalArgumentException(runDir + " has no evaluated round: a zs run has no rounds at all; "
                    + "another run has one once it finishes, and one per R rounds with --eval-every R");
        }
        long[] queries = evaluated.stream().mapToLong(RoundMetrics::trainQueries).toArray();
        double[] accuracy = evaluated.stream().mapToDouble(RoundMetrics::testAccuracy).toArray();
        double zeroShot = Reports.readIfPresent(runDir).map(TuneReport::zeroShotAccuracy).orElse(Double.NaN);
        return new RunCurve(Reports.runLabel(runDir), queries, accuracy, zeroShot);
    }

    public RunCurve withLabel(String newLabel) {
        return new RunCurve(newLabel, trainQueries, testAccuracy, zeroShotAccuracy);
    }
}
