package dev.craft.client.tune;

import java.util.List;
import java.util.Map;

/**
 * RUN_DIR/report.json (docs/cli.md, section 2.5).
 *
 * @param finalRefit what the final refit chose; null when it was off (or the method has no refinement network)
 */
public record TuneReport(String method, String dataset, int shots, long seed, long budget, long trainQueries,
                         long evalQueries, double zeroShotAccuracy, double testAccuracy, double wallSeconds,
                         long artefactBytes, Refit finalRefit) {

    /** A report without a final refit. */
    public TuneReport(String method, String dataset, int shots, long seed, long budget, long trainQueries,
                      long evalQueries, double zeroShotAccuracy, double testAccuracy, double wallSeconds,
                      long artefactBytes) {
        this(method, dataset, shots, seed, budget, trainQueries, evalQueries, zeroShotAccuracy, testAccuracy,
                wallSeconds, artefactBytes, null);
    }

    /**
     * The final refit ({@code --final-refit cv} or {@code cv-kl}).
     *
     * @param epochs         epochs the chosen network was trained on all shots; 0 = no network (raw logits)
     * @param folds          cross-validation folds used
     * @param cvAccuracy     per epoch count of the grid, the mean validation accuracy over folds (with
     *                       consistency weights: the chosen weight's)
     * @param cvCrossEntropy per epoch count of the grid, the mean validation cross-entropy over folds (idem)
     * @param cpuSeconds     CPU time of the refit (folds and final fit) in the session that ran it
     * @param loopTestAccuracy diagnostic: the final test accuracy through the loop's network instead (the
     *                       same test logits, no query), i.e. what the run would report without the refit;
     *                       null when the final evaluation ran in an earlier session (a resumed finished run)
     * @param klWeight       the consistency weight of the chosen network; null when the grid had only 0
     * @param grid           every entry of a grid with consistency weights; null when it had only 0
     */
    public record Refit(int epochs, int folds, Map<Integer, Double> cvAccuracy, Map<Integer, Double> cvCrossEntropy,
                        double cpuSeconds, Double loopTestAccuracy, Double klWeight, List<RefitScore> grid) {

        /** A refit without consistency weights (report.json written before they existed reads the same). */
        public Refit(int epochs, int folds, Map<Integer, Double> cvAccuracy, Map<Integer, Double> cvCrossEntropy,
                     double cpuSeconds, Double loopTestAccuracy) {
            this(epochs, folds, cvAccuracy, cvCrossEntropy, cpuSeconds, loopTestAccuracy, null, null);
        }
    }

    /** One entry of the refit's grid: mean validation accuracy and cross-entropy over the folds. */
    public record RefitScore(double klWeight, int epochs, double accuracy, double crossEntropy) {
    }
}
