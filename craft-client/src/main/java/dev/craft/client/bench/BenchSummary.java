package dev.craft.client.bench;

import dev.craft.client.tune.Method;
import dev.craft.client.tune.TuneReport;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The summary of a benchmark, computed only from its runs' reports: summary.csv (one row per run,
 * every report field) and summary.md (the paper's table: methods x shots, mean ± sample std of the
 * test accuracy over seeds, plus a table of mean cost).
 *
 * <p>The standard deviation is the sample one, with n - 1 in the denominator; a cell with a single
 * seed has none and shows its value only.
 */
public final class BenchSummary {

    /** Row key of the zero-shot row when the grid has no zs cells (built from every run's zero-shot accuracy). */
    public static final String ZERO_SHOT_KEY = "zero-shot";

    private final List<TuneReport> reports;

    private BenchSummary(List<TuneReport> reports) {
        this.reports = reports;
    }

    /** Sorts the reports by method (in {@link Method} order), shots and seed. */
    public static BenchSummary from(List<TuneReport> reports) {
        if (reports.isEmpty()) {
            throw new IllegalArgumentException("no finished runs to summarise");
        }
        List<TuneReport> sorted = new ArrayList<>(reports);
        sorted.sort(Comparator.comparingInt((TuneReport r) -> methodRank(r.method()))
                .thenComparing(TuneReport::method)
                .thenComparingInt(TuneReport::shots)
                .thenComparingLong(TuneReport::seed));
        return new BenchSummary(Collections.unmodifiableList(sorted));
    }

    /** Reads summary.csv text back into reports ({@code source} names the file in error messages). */
    public static List<TuneReport> parseCsv(String csv, String source) {
        return SummaryCsv.parse(csv, source);
    }

    public List<TuneReport> reports() {
        return reports;
    }

    public String csv() {
        return SummaryCsv.write(reports);
    }

    /** The shot counts present, ascending. */
    public List<Integer> shots() {
        return List.copyOf(reports.stream().map(TuneReport::shots).collect(Collectors.toCollection(TreeSet::new)));
    }

    /** The seeds present, ascending. */
    public List<Long> seeds() {
        return List.copyOf(reports.stream().map(TuneReport::seed).collect(Collectors.toCollection(TreeSet::new)));
    }

    /**
     * One row of the accuracy table.
     *
     * @param key     a method id, or {@link #ZERO_SHOT_KEY}
     * @param label   the name shown (ZS, BBT, PR, PG+PR, CraFT, Zero-shot)
     * @param byShots test accuracy (a fraction) over seeds, per shot count
     */
    public record Row(String key, String label, SortedMap<Integer, Stats> byShots) {
    }

    /**
     * The accuracy table, zero-shot row first: the zs runs' test accuracy when the grid has zs
     * cells, otherwise the zero-shot accuracy every run measured (averaged per seed, then over
     * seeds); then one row per other method.
     */
    public List<Row> accuracyRows() {
        List<Row> rows = new ArrayList<>();
        Map<String, List<TuneReport>> byMethod = byMethod();
        List<TuneReport> zs = byMethod.remove(Method.ZS.id());
        if (zs != null) {
            rows.add(row(Method.ZS.id(), zs, TuneReport::testAccuracy));
        } else {
            Row zeroShot = zeroShotRow();
            if (!zeroShot.byShots().isEmpty()) {
                rows.add(zeroShot);
            }
        }
        byMethod.forEach((method, runs) -> rows.add(row(method, runs, TuneReport::testAccuracy)));
        return rows;
    }

    /** True when the zero-shot row comes from zs cells. */
    public boolean hasZeroShotRuns() {
        return reports.stream().anyMatch(r -> Method.ZS.id().equals(r.method()));
    }

    public String markdown() {
        List<Integer> shots = shots();
        List<Long> seeds = seeds();
        int seedCount = seeds.size();
        StringBuilder md = new StringBuilder("# Benchmark summary\n\n");
        md.append(distinct("Dataset", "Datasets", TuneReport::dataset, v -> "`" + v + "`")).append(". ");
        md.append(distinct("Budget", "Budgets", r -> Long.toString(r.budget()), v -> v)).append(" training queries per run. ");
        md.append(seedCount == 1 ? "Seed: " : "Seeds: ")
                .append(seeds.stream().map(String::valueOf).collect(Collectors.joining(", ")))
                .append(". Runs: ").append(reports.size()).append(".\n\n");

        md.append("Table 1. Test accuracy (%), mean ± sample standard deviation (n − 1 in the denominator) over ")
                .append(seedCount).append(seedCount == 1 ? " seed" : " seeds")
                .append("; a cell with a single seed shows its value only");
        if (seedCount > 1) {
            md.append(", and (n=…) marks a cell with fewer seeds");
        }
        md.append(". ");
        md.append(hasZeroShotRuns() ? "The ZS row is the zs runs (template prompt, no training)."
                : "The zero-shot row is the zero-shot test accuracy each run measured before training, averaged per seed.");
        md.append("\n\n");
        header(md, shots);
        for (Row row : accuracyRows()) {
            md.append("| ").append(row.label()).append(" |");
            for (int shot : shots) {
                Stats s = row.byShots().get(shot);
                md.append(' ').append(s == null ? "–" : accuracyCell(s, seedCount)).append(" |");
            }
            md.append('\n');
        }

        md.append("\nTable 2. Cost per run: mean wall-clock seconds / mean training queries, over the same runs.\n\n");
        header(md, shots);
        byMethod().forEach((method, runs) -> {
            md.append("| ").append(label(method)).append(" |");
            for (int shot : shots) {
                List<TuneReport> cell = runs.stream().filter(r -> r.shots() == shot).toList();
                if (cell.isEmpty()) {
                    md.append(" – |");
                } else {
                    Stats wall = Stats.of(values(cell, TuneReport::wallSeconds));
                    Stats queries = Stats.of(values(cell, r -> r.trainQueries()));
                    md.append(String.format(Locale.ROOT, " %.1f s / %s |", wall.mean(), count(queries.mean())));
                }
            }
            md.append('\n');
        });
        return md.toString();
    }

    /** Display name of a method id. */
    public static String label(String method) {
        return switch (method) {
            case "zs" -> "ZS";
            case "bbt" -> "BBT";
            case "pr" -> "PR";
            case "pgpr" -> "PG+PR";
            case "craft" -> "CraFT";
            case ZERO_SHOT_KEY -> "Zero-shot";
            default -> method;
        };
    }

    private Row zeroShotRow() {
        SortedMap<Integer, Stats> byShots = new TreeMap<>();
        for (int shot : shots()) {
            Map<Long, List<Double>> perSeed = new TreeMap<>();
            for (TuneReport r : reports) {
                if (r.shots() == shot && Double.isFinite(r.zeroShotAccuracy())) {
                    perSeed.computeIfAbsent(r.seed(), s -> new ArrayList<>()).add(r.zeroShotAccuracy());
                }
            }
            if (!perSeed.isEmpty()) {
                byShots.put(shot, Stats.of(perSeed.values().stream()
                        .mapToDouble(v -> v.stream().mapToDouble(Double::doubleValue).average().orElseThrow()).toArray()));
            }
        }
        return new Row(ZERO_SHOT_KEY, label(ZERO_SHOT_KEY), byShots);
    }

    private static Row row(String method, List<TuneReport> runs, ToDoubleFunction<TuneReport> value) {
        SortedMap<Integer, Stats> byShots = new TreeMap<>();
        runs.stream().collect(Collectors.groupingBy(TuneReport::shots, TreeMap::new, Collectors.toList()))
                .forEach((shot, cell) -> {
                    double[] v = values(cell, value);
                    if (v.length > 0) {
                        byShots.put(shot, Stats.of(v));
                    }
                });
        return new Row(method, label(method), byShots);
    }

    private Map<String, List<TuneReport>> byMethod() {
        Map<String, List<TuneReport>> byMethod = new LinkedHashMap<>();
        for (TuneReport r : reports) {
            byMethod.computeIfAbsent(r.method(), m -> new ArrayList<>()).add(r);
        }
        return byMethod;
    }

    /** The finite values (a run without a measured accuracy is left out of the mean). */
    private static double[] values(List<TuneReport> runs, ToDoubleFunction<TuneReport> value) {
        return runs.stream().mapToDouble(value).filter(Double::isFinite).toArray();
    }

    private static String accuracyCell(Stats s, int seedCount) {
        String text = s.hasStd() ? String.format(Locale.ROOT, "%.2f ± %.2f", 100 * s.mean(), 100 * s.std())
                : String.format(Locale.ROOT, "%.2f", 100 * s.mean());
        return s.n() < seedCount ? text + " (n=" + s.n() + ")" : text;
    }

    private static String count(double mean) {
        return mean == Math.rint(mean) ? Long.toString((long) mean) : String.format(Locale.ROOT, "%.1f", mean);
    }

    private static void header(StringBuilder md, List<Integer> shots) {
        md.append("| Method |");
        for (int shot : shots) {
            md.append(' ').append(shot).append(shot == 1 ? " shot |" : " shots |");
        }
        md.append("\n|:---|");
        md.append("---:|".repeat(shots.size()));
        md.append('\n');
    }

    private String distinct(String one, String many, java.util.function.Function<TuneReport, String> key,
                            java.util.function.UnaryOperator<String> show) {
        List<String> values = reports.stream().map(key).filter(Objects::nonNull).distinct().toList();
        return (values.size() == 1 ? one : many) + ": " + values.stream().map(show).collect(Collectors.joining(", "));
    }

    private static int methodRank(String method) {
        for (Method m : Method.values()) {
            if (m.id().equals(method)) {
                return m.ordinal();
            }
        }
        return Method.values().length;
    }
}
