package dev.craft.client.cli;

import dev.craft.client.bench.BenchPlots;
import dev.craft.client.bench.BenchSummary;
import dev.craft.client.bench.RunCurve;
import org.jfree.chart.JFreeChart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "plot", mixinStandardHelpOptions = true,
        description = "Draw PNG plots of tuning runs and benches.",
        subcommands = {PlotCommand.Queries.class, PlotCommand.Shots.class})
public final class PlotCommand {

    /** Options every plot takes. */
    static final class Output {

        @Option(names = "--out", required = true, paramLabel = "FILE.png", description = "PNG file to write.")
        Path out;

        @Option(names = "--width", defaultValue = "900", description = "Width in pixels (default: ${DEFAULT-VALUE}).")
        int width;

        @Option(names = "--height", defaultValue = "560", description = "Height in pixels (default: ${DEFAULT-VALUE}).")
        int height;

        @Option(names = "--title", description = "Chart title.")
        String title;

        void write(CommandSpec spec, JFreeChart chart, String what) throws IOException {
            BenchPlots.writePng(chart, out, width, height);
            spec.commandLine().getOut().println("wrote " + out + " (" + what + ")");
            spec.commandLine().getOut().flush();
        }
    }

    @Command(name = "queries", mixinStandardHelpOptions = true,
            description = "Test accuracy against training queries used (paper Fig. 3), one line per run, from "
                    + "the evaluated rounds of each RUN_DIR/metrics.csv; dashed: the run's zero-shot accuracy.")
    static final class Queries implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--runs", required = true, arity = "1..*", paramLabel = "RUN_DIR", description = "Run directories.")
        List<Path> runs;

        @picocli.CommandLine.Mixin
        Output output;

        @Override
        public Integer call() throws IOException {
            System.setProperty("java.awt.headless", "true");
            List<RunCurve> curves = new ArrayList<>();
            for (Path run : runs) {
                curves.add(RunCurve.load(run));
            }
            output.write(spec, BenchPlots.queries(curves, output.title), curves.size() + " runs");
            return 0;
        }
    }

    @Command(name = "shots", mixinStandardHelpOptions = true,
            description = "Mean test accuracy against shots per class (log2 axis), one line per method, error bars "
                    + "one sample std over seeds, from BENCH_DIR/summary.csv.")
    static final class Shots implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--bench", required = true, paramLabel = "BENCH_DIR", description = "Directory written by craft bench.")
        Path bench;

        @picocli.CommandLine.Mixin
        Output output;

        @Override
        public Integer call() throws IOException {
            System.setProperty("java.awt.headless", "true");
            BenchSummary summary = BenchSummary.from(BenchPlots.readSummary(bench.resolve("summary.csv")));
            output.write(spec, BenchPlots.shots(summary, output.title), summary.accuracyRows().size() + " lines");
            return 0;
        }
    }
}
