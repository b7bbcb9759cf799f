package dev.craft.client.cli;

import dev.craft.client.bench.BenchCell;
import dev.craft.client.bench.BenchGrid;
import dev.craft.client.bench.BenchPlan;
import dev.craft.client.bench.BenchSummary;
import dev.craft.client.bench.BudgetRule;
import dev.craft.client.bench.CellAction;
import dev.craft.client.bench.Reports;
import dev.craft.client.io.AtomicFiles;
import dev.craft.client.tune.ConsistencyOverride;
import dev.craft.client.tune.FinalRefit;
import dev.craft.client.tune.Preset;
import dev.craft.client.tune.TuneException;
import dev.craft.client.tune.TuneJob;
import dev.craft.client.tune.TuneReport;
import dev.craft.client.tune.TuneRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Run a grid of methods x shots x seeds on one dataset, one tuning run per cell in "
                + "BENCH_DIR/<method>-<shots>shot-seed<seed>/, then write BENCH_DIR/summary.csv and summary.md "
                + "from the runs' report.json files.",
                "An interrupted bench continues with --resume: finished cells are kept, started ones resumed."})
public final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DatasetOptions data;

    @Option(names = "--methods", defaultValue = BenchGrid.ALL_METHODS, paramLabel = "M,M...",
            description = "Methods (default: ${DEFAULT-VALUE}).")
    String methods;

    @Option(names = "--shots", defaultValue = BenchGrid.PAPER_SHOTS, paramLabel = "K,K...",
            description = "Training images per class (default: ${DEFAULT-VALUE}).")
    String shots;

    @Option(names = "--seeds", defaultValue = BenchGrid.PAPER_SEEDS, paramLabel = "S,S...",
            description = "Seeds (default: ${DEFAULT-VALUE}).")
    String seeds;

    @Option(names = "--budget", defaultValue = "8000", description = "Training queries allowed per run; with "
            + "--budget-rule reference, the budget of the 8- and 16-shot runs (default: ${DEFAULT-VALUE}).")
    long budget;

    @Option(names = "--budget-rule", defaultValue = "fixed",
            description = "fixed (every run gets --budget) or reference (the reference code's per-shot budgets: "
                    + "--budget/4 for 1 shot, --budget/2 for 2-7 shots, --budget for 8 and more; with the default "
                    + "8000: 2000, 4000, 8000) (default: ${DEFAULT-VALUE}).")
    String budgetRule;

    @Mixin
    PresetOption preset;

    @Mixin
    FinalRefitOption finalRefit;

    @Mixin
    ConsistencyOption consistency;

    @Mixin
    ViewsOption views;

    @Option(names = "--eval-every", defaultValue = "0",
            description = "Evaluate on the test set every R rounds, for craft plot queries (0: only at the end).")
    int evalEvery;

    @Option(names = "--out", required = true, paramLabel = "BENCH_DIR", description = "Directory of the bench's runs.")
    Path out;

    @Option(names = "--resume", description = "Keep finished cells, resume started ones, run the rest.")
    boolean resume;

    @Option(names = "--quiet", description = "No progress bars or per-run lines; only the final line.")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
        BenchGrid grid = BenchGrid.parse(methods, shots, seeds);
        Preset presetValue = preset.value();
        FinalRefit finalRefitValue = finalRefit.value();
        ConsistencyOverride consistencyValue = consistency.value();
        if (evalEvery < 0) {
            throw new IllegalArgumentException("--eval-every must not be negative");
        }
        ServiceOptions service = data.service();
        URI serviceUrl = service.url();
        String apiKey = service.apiKey();
        BudgetRule budgets = BudgetRule.parse(budgetRule, budget);
        BenchPlan plan = BenchPlan.of(grid, out, resume, budgets);
        List<TuneRequest> requests = new ArrayList<>();
        for (BenchPlan.Step step : plan.steps()) {
            BenchCell cell = step.cell();
            TuneRequest request = new TuneRequest(serviceUrl, apiKey, data.dataset(), data.split(), cell.shots(), cell.seed(),
                    cell.method(), step.budget(), step.runDir(), evalEvery, presetValue, "best",
                    step.action() == CellAction.RESUME, null, null, false, data.uploadCacheFile(),
                    service.retryPolicy(), finalRefitValue, consistencyValue, views.value());
            TuneJob.validate(request);
            requests.add(request);
        }

        PrintWriter stdout = spec.commandLine().getOut();
        int total = plan.steps().size();
        if (!quiet && plan.count(CellAction.SKIP) > 0) {
            stdout.printf(Locale.ROOT, "%d of %d runs finished earlier; keeping them%n", plan.count(CellAction.SKIP), total);
            stdout.flush();
        }
        List<TuneReport> reports = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            BenchPlan.Step step = plan.steps().get(i);
            String tag = String.format(Locale.ROOT, "[%d/%d] %s", i + 1, total, step.cell().label());
            if (step.action() != CellAction.SKIP) {
                TuneReport report;
                try (ProgressDisplay progress = ProgressDisplay.create(quiet, tag)) {
                    report = new TuneJob(progress::log).run(requests.get(i), progress);
                } catch (IOException | RuntimeException e) {
                    String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                    throw new TuneException(step.cell().label() + " (" + step.runDir() + "): " + why
                            + "; finished runs are kept, continue with --resume", e);
                }
                if (!quiet) {
                    stdout.printf(Locale.ROOT, "%s%s: test accuracy %.2f%% (zero-shot %.2f%%), %d training queries, "
                                    + "%.1f s%n", tag, step.action() == CellAction.RESUME ? " (resumed)" : "",
                            100 * report.testAccuracy(), 100 * report.zeroShotAccuracy(), report.trainQueries(),
                            report.wallSeconds());
                    stdout.flush();
                }
            }
            // The summary is built from the files, not from what this process remembers.
            reports.add(Reports.read(step.runDir()));
        }

        BenchSummary summary = BenchSummary.from(reports);
        AtomicFiles.write(out.resolve("summary.csv"), summary.csv().getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(out.resolve("summary.md"), summary.markdown().getBytes(StandardCharsets.UTF_8));
        stdout.printf(Locale.ROOT, "%d runs (%d run now, %d resumed, %d kept); summary in %s and %s%n", total,
                plan.count(CellAction.RUN), plan.count(CellAction.RESUME), plan.count(CellAction.SKIP),
                out.resolve("summary.md"), out.resolve("summary.csv"));
        stdout.flush();
        return 0;
    }
}
