package dev.craft.client.cli;

import dev.craft.client.report.AblationReport;
import dev.craft.client.report.BenchmarksReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write reports from measurement files.",
        subcommands = {ReportCommand.Benchmarks.class, ReportCommand.Ablation.class})
public final class ReportCommand {

    @Command(name = "benchmarks", mixinStandardHelpOptions = true,
            description = {"Write the benchmarks page (Markdown) and its plots from craft bench directories, a craft "
                    + "bench-perf JSON, the service benchmark's JSON and a scale run. Every number on the page is read "
                    + "from those files; the page lists them and the commands that made them (--commands)."})
    static final class Benchmarks implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--bench", paramLabel = "[LABEL=]BENCH_DIR",
                description = "A craft bench directory (summary.csv and its runs); repeatable. LABEL names it on the "
                        + "page (default: the dataset and its class count).")
        List<String> benches = new ArrayList<>();

        @Option(names = "--perf", paramLabel = "FILE", description = "craft bench-perf's JSON.")
        Path perf;

        @Option(names = "--service-bench", paramLabel = "FILE",
                description = "The service benchmark's JSON (scripts/bench-service.sh); a missing file is reported on "
                        + "the page, not an error.")
        Path serviceBench;

        @Option(names = "--scale", paramLabel = "RUN_DIR",
                description = "A tuning run used as a scale case (e.g. 1,000 ImageNet classes, one image each); its "
                        + "accuracies are labelled as training-set accuracies.")
        Path scale;

        @Option(names = "--scale-label", defaultValue = "Scale case: 1,000 classes (ImageNet sample, one image per class)",
                description = "Section title of the scale run (default: ${DEFAULT-VALUE}).")
        String scaleLabel;

        @Option(names = "--commands", paramLabel = "FILE",
                description = "Text file with the commands that produced the inputs, shown on the page.")
        Path commands;

        @Option(names = "--note", paramLabel = "TEXT", description = "A caveat shown at the top; repeatable.")
        List<String> notes = new ArrayList<>();

        @Option(names = "--out", defaultValue = "docs/benchmarks.md", paramLabel = "FILE.md",
                description = "Page to write (default: ${DEFAULT-VALUE}).")
        Path out;

        @Option(names = "--img-dir", defaultValue = "docs/img", paramLabel = "DIR",
                description = "Folder of the plots (default: ${DEFAULT-VALUE}).")
        Path imgDir;

        @Override
        public Integer call() throws Exception {
            System.setProperty("java.awt.headless", "true");
            String command = "craft " + String.join(" ",
                    spec.commandLine().getParseResult().originalArgs().stream().map(Benchmarks::quote).toList());
            List<Path> written = new BenchmarksReport(new BenchmarksReport.Inputs(benches, perf, serviceBench, scale,
                    scaleLabel, commands, notes, out, imgDir, command)).write();
            spec.commandLine().getOut().println("wrote " + String.join(", ", written.stream().map(Path::toString).toList()));
            spec.commandLine().getOut().flush();
            return 0;
        }

        /** Shell-quotes an argument when it needs it. */
        static String quote(String arg) {
            if (!arg.isEmpty() && arg.matches("[A-Za-z0-9_./:=,@%+-]+")) {
                return arg;
            }
            return "'" + arg.replace("'", "'\\''") + "'";
        }
    }

    @Command(name = "ablation", mixinStandardHelpOptions = true,
            description = {"Write the ablation page (Markdown): test accuracy of every variant (method, shots, budget, "
                    + "preset, final refit, current prompt; read from each run's config.json) per dataset, mean ± std "
                    + "over seeds, and the diagnostics behind it (final train accuracy, prompt changes, refit epochs). "
                    + "Every number is read from the run files."})
    static final class Ablation implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--bench", paramLabel = "DATASET=DIR", required = true,
                description = "A folder of runs (any depth; each run directory with report.json counts) for the "
                        + "column DATASET; repeatable, also with the same DATASET.")
        List<String> benches = new ArrayList<>();

        @Option(names = "--note", paramLabel = "TEXT", description = "A caveat shown at the top; repeatable.")
        List<String> notes = new ArrayList<>();

        @Option(names = "--out", defaultValue = "docs/ablation.md", paramLabel = "FILE.md",
                description = "Page to write (default: ${DEFAULT-VALUE}).")
        Path out;

        @Override
        public Integer call() throws Exception {
            Map<String, List<Path>> byDataset = new LinkedHashMap<>();
            for (String bench : benches) {
                int eq = bench.indexOf('=');
                if (eq <= 0 || eq == bench.length() - 1) {
                    throw new IllegalArgumentException("--bench takes DATASET=DIR, not '" + bench + "'");
                }
                byDataset.computeIfAbsent(bench.substring(0, eq).strip(), d -> new ArrayList<>())
                        .add(Path.of(bench.substring(eq + 1)));
            }
            String command = "craft " + String.join(" ",
                    spec.commandLine().getParseResult().originalArgs().stream().map(Benchmarks::quote).toList());
            Path written = new AblationReport(new AblationReport.Inputs(byDataset, notes, command)).write(out);
            spec.commandLine().getOut().println("wrote " + written);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
