package dev.craft.client.report;

import dev.craft.client.bench.BenchPlots;
import dev.craft.client.bench.BenchSummary;
import dev.craft.client.tune.RunDirectory;
import dev.craft.client.tune.TuneConfig;
import dev.craft.client.tune.TuneReport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * One {@code craft bench} output directory as the report reads it: summary.csv (the runs' reports)
 * and, per run, config.json (model, preset, classes) and metrics.csv (the query curves).
 *
 * @param label   how the report names it ({@code LABEL=DIR} on the command line, else the dataset's name and K)
 * @param dir     the bench directory
 * @param summary the runs of summary.csv
 * @param configs the config.json of every run in summary.csv, in the same order
 */
public record BenchInput(String label, Path dir, BenchSummary summary, List<TuneConfig> configs) {

    /** Reads {@code spec}: {@code DIR} or {@code LABEL=DIR}. */
    public static BenchInput read(String spec) throws IOException {
        int eq = spec.indexOf('=');
        String label = eq > 0 ? spec.substring(0, eq).strip() : null;
        Path dir = Path.of(eq > 0 ? spec.substring(eq + 1) : spec);
        BenchSummary summary = BenchSummary.from(BenchPlots.readSummary(dir.resolve("summary.csv")));
        List<TuneConfig> configs = new ArrayList<>();
        for (TuneReport report : summary.reports()) {
            Path run = runDir(dir, report);
            if (!Files.isRegularFile(run.resolve("config.json"))) {
                throw new IllegalArgumentException(run + " (a run of " + dir.resolve("summary.csv")
                        + ") has no config.json");
            }
            configs.add(RunDirectory.open(run).readConfig());
        }
        if (label == null) {
            label = defaultLabel(summary.reports().get(0).dataset(), configs.get(0).classNames().size());
        }
        return new BenchInput(label, dir, summary, List.copyOf(configs));
    }

    /** A run's directory inside the bench, as craft bench names it. */
    public static Path runDir(Path benchDir, TuneReport report) {
        return benchDir.resolve(report.method() + "-" + report.shots() + "shot-seed" + report.seed());
    }

    public Path runDir(TuneReport report) {
        return runDir(dir, report);
    }

    /** "split_zhou_DescribableTextures (10 classes)" from the dataset path and K. */
    static String defaultLabel(String dataset, int classes) {
        Path name = Path.of(dataset).getFileName();
        String base = name == null ? dataset : name.toString();
        if (base.endsWith(".json")) {
            base = base.substring(0, base.length() - 5);
        }
        return base + " (" + classes + " classes)";
    }

    /** The distinct values of a config field, in first-seen order. */
    public Set<String> distinct(java.util.function.Function<TuneConfig, Object> field) {
        Set<String> values = new LinkedHashSet<>();
        configs.forEach(c -> values.add(String.valueOf(field.apply(c))));
        return values;
    }

    public Set<String> methods() {
        Set<String> methods = new LinkedHashSet<>();
        summary.reports().forEach(r -> methods.add(r.method()));
        return methods;
    }

    /** The budget of each shot count (several when the grid mixed budgets at one shot count). */
    public SortedMap<Integer, Set<Long>> budgetsByShots() {
        SortedMap<Integer, Set<Long>> budgets = new TreeMap<>();
        summary.reports().forEach(r -> budgets.computeIfAbsent(r.shots(), s -> new TreeSet<>()).add(r.budget()));
        return budgets;
    }

    /**
     * The prompts each method's runs read per prediction ({@code --views}), as "ZS, BBT, PR: 1; PG+PR, CraFT:
     * 1 (1, 2 shots), 2 (4, 8, 16 shots)": methods with the same views at every shot count share a group, in
     * the order the methods first appear.
     */
    public String viewsByMethod() {
        Map<String, SortedMap<Integer, Set<Integer>>> byMethod = new LinkedHashMap<>();
        for (TuneConfig config : configs) {
            byMethod.computeIfAbsent(config.method().id(), m -> new TreeMap<>())
                    .computeIfAbsent(config.settings().views(), v -> new TreeSet<>()).add(config.shots());
        }
        Map<String, List<String>> groups = new LinkedHashMap<>();
        byMethod.forEach((method, views) -> groups.computeIfAbsent(viewsText(views), v -> new ArrayList<>())
                .add(BenchSummary.label(method)));
        if (groups.size() == 1) {
            return groups.keySet().iterator().next();
        }
        List<String> parts = new ArrayList<>();
        groups.forEach((views, methods) -> parts.add(String.join(", ", methods) + ": " + views));
        return String.join("; ", parts);
    }

    private static String viewsText(SortedMap<Integer, Set<Integer>> shotsByViews) {
        if (shotsByViews.size() == 1) {
            return String.valueOf(shotsByViews.firstKey());
        }
        List<String> parts = new ArrayList<>();
        shotsByViews.forEach((views, shots) -> parts.add(views + " (" + shots.stream().map(String::valueOf)
                .collect(Collectors.joining(", ")) + " shot" + (shots.equals(Set.of(1)) ? "" : "s") + ")"));
        return String.join(", ", parts);
    }

    /** A file-name-safe form of the label. */
    public String slug() {
        String s = label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        return s.isEmpty() ? "bench" : s;
    }
}
