package dev.craft.client.perf;

import dev.craft.client.tune.RoundMetrics;
import dev.craft.client.tune.RunDirectory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * How close two runs of the same settings stayed: bit-identical learning (metrics.csv apart from the
 * timing columns, and the tuned prompt and refiner), the same tuned prompt, and the largest relative
 * difference of the per-round fitness values.
 */
record RunComparison(boolean identicalLearning, boolean samePrompt, double maxFitnessRelDiff) {

    static RunComparison of(Path a, Path b) throws IOException {
        List<RoundMetrics> left = RunDirectory.open(a).readMetrics();
        List<RoundMetrics> right = RunDirectory.open(b).readMetrics();
        boolean metricsEqual = left.size() == right.size();
        double maxDiff = left.size() == right.size() ? 0 : Double.POSITIVE_INFINITY;
        for (int i = 0; i < Math.min(left.size(), right.size()); i++) {
            RoundMetrics x = left.get(i);
            RoundMetrics y = right.get(i);
            metricsEqual &= learning(x).equals(learning(y));
            maxDiff = Math.max(maxDiff, relDiff(x.bestFitness(), y.bestFitness()));
            maxDiff = Math.max(maxDiff, relDiff(x.meanFitness(), y.meanFitness()));
        }
        boolean samePrompt = sameFile(a, b, "prompt.tensor");
        return new RunComparison(metricsEqual && samePrompt && sameFile(a, b, "refiner.tensors"), samePrompt, maxDiff);
    }

    /** The columns of a metrics row that learning determines (not the timings). */
    private static List<Object> learning(RoundMetrics m) {
        return List.of(m.round(), m.trainQueries(), m.evalQueries(), m.bestFitness(), m.meanFitness(), m.trainLoss(),
                m.trainAccuracy(), m.testAccuracy(), m.promptRound());
    }

    private static double relDiff(double x, double y) {
        if (Double.isNaN(x) && Double.isNaN(y) || x == y) {
            return 0;
        }
        return Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y));
    }

    private static boolean sameFile(Path a, Path b, String name) throws IOException {
        Path x = a.resolve("tuned").resolve(name);
        Path y = b.resolve("tuned").resolve(name);
        if (Files.exists(x) != Files.exists(y)) {
            return false;
        }
        return !Files.exists(x) || Arrays.equals(Files.readAllBytes(x), Files.readAllBytes(y));
    }
}
