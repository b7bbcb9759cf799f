package dev.craft.client.tune;

import java.util.List;

/**
 * Everything that determines a run, written to RUN_DIR/config.json before the first query.
 *
 * @param runId          unique per run; prefixes every idempotency key of the run
 * @param method         zs, bbt, pr, pgpr or craft
 * @param dataset        the dataset directory or split file as given
 * @param profile        the dataset profile used for reference-preset values
 * @param shots          images per class in the training set
 * @param seed           the run's seed (few-shot sample, projection, CMA-ES, MLP)
 * @param budget         training queries allowed
 * @param evalEvery      evaluate on the test set every this many rounds (0 = only at the end)
 * @param currentPrompt  "best" (best candidate evaluated so far, free) or "mean" (one extra query per round)
 * @param service        the service URL
 * @param modelId        the served model
 * @param template       the prompt template
 * @param classNames     the K class names, in label order
 * @param promptSize     L * d
 * @param projectionStd  std of the projection's entries
 * @param settings       the resolved hyper-parameters, with their preset
 * @param classSetId     the class set on the service (a resumed run reuses it, so its requests replay)
 * @param trainDatasetId the uploaded few-shot training images
 * @param testDatasetId  the uploaded test images
 */
public record TuneConfig(String runId, Method method, String dataset, DatasetProfile profile, int shots, long seed,
                         long budget, int evalEvery, String currentPrompt, String service, String modelId,
                         String template, List<String> classNames, int promptSize, double projectionStd,
                         TuneSettings settings, String classSetId, String trainDatasetId, String testDatasetId) {

    public boolean usesMeanPrompt() {
        return "mean".equals(currentPrompt);
    }

    /** Training queries one round costs. */
    public int queriesPerRound() {
        return settings.popsize() + (usesMeanPrompt() ? 1 : 0);
    }

    /** Rounds the budget pays for. PR alone trains one epoch per round the prompt search would have had. */
    public int rounds() {
        return switch (method) {
            case ZS -> 0;
            case PR -> (int) Math.max(1, (budget - 1) / settings.popsize());
            default -> (int) (budget / queriesPerRound());
        };
    }

    /**
     * What differs between this run and the one a resumed command line describes, as "name: stored vs
     * asked" texts; empty when the command line continues this run.
     */
    public List<String> differencesFrom(TuneConfig asked) {
        List<String> differences = new java.util.ArrayList<>();
        compare(differences, "method", method.id(), asked.method.id());
        compare(differences, "dataset", dataset, asked.dataset);
        compare(differences, "shots", shots, asked.shots);
        compare(differences, "seed", seed, asked.seed);
        compare(differences, "budget", budget, asked.budget);
        compare(differences, "eval-every", evalEvery, asked.evalEvery);
        compare(differences, "current", currentPrompt, asked.currentPrompt);
        compare(differences, "template", template, asked.template);
        compare(differences, "classes", classNames, asked.classNames);
        compare(differences, "final-refit", settings.finalRefit().id(), asked.settings.finalRefit().id());
        compare(differences, "views", settings.views(), asked.settings.views());
        compare(differences, "settings (preset and ablations)", withoutNamedOptions(settings),
                withoutNamedOptions(asked.settings));
        return differences;
    }

    /** The settings without those compared by name above, so that a difference in them is named once. */
    private static TuneSettings withoutNamedOptions(TuneSettings settings) {
        return settings.withFinalRefit(FinalRefit.NONE).withRefiner(settings.refiner().withViews(1));
    }

    private static void compare(List<String> differences, String name, Object stored, Object asked) {
        if (!java.util.Objects.equals(stored, asked)) {
            String both = stored + " vs " + asked;
            differences.add(name + ": " + (both.length() > 200 ? "differ" : both));
        }
    }
}
