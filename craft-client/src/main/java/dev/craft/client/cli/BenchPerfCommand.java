package dev.craft.client.cli;

import dev.craft.client.io.AtomicFiles;
import dev.craft.client.perf.BenchPerf;
import dev.craft.client.perf.PerfReport;
import dev.craft.client.perf.PerfTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "bench-perf", mixinStandardHelpOptions = true,
        description = {"Measure where CraFT's time goes against a running service: one round split into query, "
                + "CMA-ES and MLP time; a full run with the production client against the same run with one JSON "
                + "request per candidate (the reference code's way), timed in one invocation; the tuned artefact's "
                + "size against the model's. Prints a table and writes --out FILE (JSON).",
                "Spends about 2 x --budget + 40 x (--warmup-rounds + --rounds + 1) training queries, plus 6 "
                        + "evaluation queries."})
public final class BenchPerfCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DatasetOptions data;

    @Option(names = "--shots", defaultValue = "16", description = "Training images per class (default: ${DEFAULT-VALUE}).")
    int shots;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of every run (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--budget", defaultValue = "8000",
            description = "Training queries of each end-to-end run (default: ${DEFAULT-VALUE}).")
    long budget;

    @Option(names = "--rounds", defaultValue = "20", description = "Rounds averaged in the round profile (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmup-rounds", defaultValue = "2",
            description = "Rounds run before the profiled ones and left out (default: ${DEFAULT-VALUE}).")
    int warmupRounds;

    @Mixin
    PresetOption preset;

    @Option(names = "--model-bundle", paramLabel = "DIR",
            description = "A copy of the served model bundle: its parameters are counted (DJL) for the artefact "
                    + "comparison. Without it the count comes from GET /v1/model if the service publishes one.")
    Path modelBundle;

    @Option(names = "--work", paramLabel = "DIR",
            description = "Where the three runs are written; must be empty or absent (default: FILE without .json, "
                    + "plus -runs).")
    Path work;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "JSON report to write.")
    Path out;

    @Override
    public Integer call() throws Exception {
        Path workDir = work != null ? work : defaultWork(out);
        ServiceOptions service = data.service();
        BenchPerf.Settings settings = new BenchPerf.Settings(service.url(), service.apiKey(), service.retryPolicy(),
                data.dataset(), data.split(), data.uploadCacheFile(), shots, seed, budget, rounds, warmupRounds,
                preset.value(), workDir, modelBundle);
        PerfReport report = new BenchPerf(settings, message -> {
            System.err.println(message);
            System.err.flush();
        }).run();
        JsonMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
        AtomicFiles.write(out, (json.writeValueAsString(report) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.print(PerfTable.render(report));
        stdout.println("wrote " + out + " (runs in " + workDir + ")");
        stdout.flush();
        return 0;
    }

    static Path defaultWork(Path out) {
        String name = out.getFileName().toString();
        String base = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
        Path parent = out.toAbsolutePath().getParent();
        return parent.resolve(base + "-runs");
    }
}
