package dev.craft.client.cli;

import dev.craft.client.tune.Method;
import dev.craft.client.tune.QueryMode;
import dev.craft.client.tune.TuneJob;
import dev.craft.client.tune.TuneReport;
import dev.craft.client.tune.TuneRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "tune", mixinStandardHelpOptions = true,
        description = "Tune the black box on a few-shot dataset within a query budget; writes RUN_DIR.")
public final class TuneCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DatasetOptions data;

    @Option(names = "--shots", required = true, description = "Training images per class.")
    int shots;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the sample, projection, CMA-ES and MLP (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--method", defaultValue = "craft", description = "zs, bbt, pr, pgpr or craft (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--budget", defaultValue = "8000", description = "Training queries allowed (default: ${DEFAULT-VALUE}).")
    long budget;

    @Option(names = "--out", required = true, description = "Run directory to write.")
    Path out;

    @Option(names = "--eval-every", defaultValue = "0", description = "Evaluate on the test set every R rounds (0: only at the end).")
    int evalEvery;

    @Mixin
    PresetOption preset;

    @Mixin
    FinalRefitOption finalRefit;

    @Mixin
    ConsistencyOption consistency;

    @Mixin
    ViewsOption views;

    @Option(names = "--current", defaultValue = "best",
            description = "Current prompt: best (best candidate so far, free) or mean (one extra query per round) "
                    + "(default: ${DEFAULT-VALUE}).")
    String current;

    @Option(names = "--template", description = "Prompt template with one {} (default: the service's, \"a photo of a {}.\").")
    String template;

    @Option(names = "--no-residual", description = "Ablation: r = g(f) instead of f + g(f).")
    boolean noResidual;

    @Option(names = "--linear-mlp", description = "Ablation: g is a single linear layer.")
    boolean linearMlp;

    @Option(names = "--resume", description = "Continue the run in --out after an interruption.")
    boolean resume;

    @Option(names = "--quiet", description = "No progress bar (warnings and notes still go to stderr).")
    boolean quiet;

    @Option(names = "--query-mode", defaultValue = "batched",
            description = "Benchmark option: batched (a round's candidates in one binary request, in parts "
                    + "of at most 4,096 candidates x classes) or "
                    + "per-prompt-json (one JSON request per candidate, as the paper's reference code queries "
                    + "its model; same learning, slower) (default: ${DEFAULT-VALUE}).")
    String queryMode;

    @Override
    public Integer call() throws Exception {
        ServiceOptions service = data.service();
        TuneRequest request = new TuneRequest(service.url(), service.apiKey(), data.dataset(), data.split(), shots, seed,
                OptionValues.enumValue(Method.class, method, "--method"), budget, out, evalEvery, preset.value(),
                current, resume, template, noResidual ? Boolean.FALSE : null, linearMlp, data.uploadCacheFile(),
                service.retryPolicy(), finalRefit.value(), consistency.value(), views.value());
        QueryMode mode = QueryMode.parse(queryMode);
        TuneReport report;
        try (ProgressDisplay progress = ProgressDisplay.create(quiet, "tune " + request.method().id())) {
            report = new TuneJob(progress::log, mode).run(request, progress);
        }
        spec.commandLine().getOut().printf(Locale.ROOT, "%s %d-shot seed %d: test accuracy %.4f (zero-shot %.4f), %d training + %d "
                        + "evaluation queries, %.1f s; report in %s%n", report.method(), report.shots(), report.seed(),
                report.testAccuracy(), report.zeroShotAccuracy(), report.trainQueries(), report.evalQueries(),
                report.wallSeconds(), out.resolve("report.json"));
        return 0;
    }
}
