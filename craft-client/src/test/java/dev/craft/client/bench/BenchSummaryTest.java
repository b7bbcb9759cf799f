package dev.craft.client.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.craft.client.tune.TuneReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchSummaryTest {

    private static TuneReport report(String method, int shots, long seed, double zeroShot, double test, double wall,
                                     long trainQueries) {
        return new TuneReport(method, "data/eurosat", shots, seed, 8000, trainQueries, 2, zeroShot, test, wall, 4096);
    }

    /** craft: 1 shot x 3 seeds, 2 shots x 2 seeds; bbt: 1 shot x 3 seeds; no zs cells. Shuffled on purpose. */
    private static List<TuneReport> threeSeeds() {
        List<TuneReport> r = new ArrayList<>();
        r.add(report("craft", 2, 2, 0.42, 0.71, 30, 8000));
        r.add(report("bbt", 1, 3, 0.44, 0.50, 10, 8000));
        r.add(report("craft", 1, 3, 0.44, 0.64, 22, 8000));
        r.add(report("craft", 1, 1, 0.40, 0.60, 20, 8000));
        r.add(report("bbt", 1, 1, 0.40, 0.50, 10, 8000));
        r.add(report("craft", 2, 1, 0.40, 0.70, 31, 7960));
        r.add(report("craft", 1, 2, 0.42, 0.62, 21, 8000));
        r.add(report("bbt", 1, 2, 0.42, 0.50, 13, 8000));
        return r;
    }

    @Test
    void sampleStandardDeviationUsesNMinusOne() {
        Stats s = Stats.of(0.60, 0.62, 0.64);
        assertThat(s.mean()).isCloseTo(0.62, within(1e-12));
        assertThat(s.std()).isCloseTo(0.02, within(1e-12)); // population std would be 0.01633
        assertThat(s.n()).isEqualTo(3);
        assertThat(Stats.of(0.5).std()).isNaN();
        assertThat(Stats.of(0.5).hasStd()).isFalse();
        assertThat(Stats.of(0.70, 0.71).std()).isCloseTo(Math.sqrt(0.00005), within(1e-12));
        assertThat(Stats.of().n()).isZero();
    }

    @Test
    void reportsAreSortedByMethodOrderShotsAndSeed() {
        BenchSummary summary = BenchSummary.from(threeSeeds());
        assertThat(summary.reports()).extracting(r -> r.method() + r.shots() + "/" + r.seed())
                .containsExactly("bbt1/1", "bbt1/2", "bbt1/3", "craft1/1", "craft1/2", "craft1/3", "craft2/1", "craft2/2");
        assertThat(summary.shots()).containsExactly(1, 2);
        assertThat(summary.seeds()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void accuracyTableIsMeanPlusMinusSampleStdInPercent() {
        String md = BenchSummary.from(threeSeeds()).markdown();
        assertThat(md).contains("Dataset: `data/eurosat`. Budget: 8000 training queries per run. Seeds: 1, 2, 3. Runs: 8.");
        assertThat(md).contains("mean ± sample standard deviation (n − 1 in the denominator) over 3 seeds");
        assertThat(md).contains("""
                | Method | 1 shot | 2 shots |
                |:---|---:|---:|
                | Zero-shot | 42.00 ± 2.00 | 41.00 ± 1.41 (n=2) |
                | BBT | 50.00 ± 0.00 | – |
                | CraFT | 62.00 ± 2.00 | 70.50 ± 0.71 (n=2) |
                """);
        assertThat(md).contains("zero-shot test accuracy each run measured before training, averaged per seed");
        assertThat(md).contains("""
                | Method | 1 shot | 2 shots |
                |:---|---:|---:|
                | BBT | 11.0 s / 8000 | – |
                | CraFT | 21.0 s / 8000 | 30.5 s / 7980 |
                """);
    }

    @Test
    void zeroShotRowComesFromTheZsCellsWhenThereAreAny() {
        List<TuneReport> r = new ArrayList<>(threeSeeds());
        r.add(report("zs", 1, 1, 0.40, 0.40, 1, 0));
        r.add(report("zs", 1, 2, 0.40, 0.40, 1, 0));
        r.add(report("zs", 1, 3, 0.40, 0.46, 1, 0));
        BenchSummary summary = BenchSummary.from(r);
        assertThat(summary.hasZeroShotRuns()).isTrue();
        assertThat(summary.accuracyRows()).extracting(BenchSummary.Row::label).containsExactly("ZS", "BBT", "CraFT");
        String md = summary.markdown();
        assertThat(md).contains("| ZS | 42.00 ± 3.46 | – |\n");
        assertThat(md).contains("The ZS row is the zs runs");
        assertThat(md).doesNotContain("Zero-shot |");
        assertThat(md).contains("| ZS | 1.0 s / 0 | – |\n");
    }

    @Test
    void singleSeedShowsTheValueWithoutStd() {
        BenchSummary summary = BenchSummary.from(List.of(
                report("craft", 16, 1, 0.5877, 0.71224, 800.25, 8000),
                report("pgpr", 16, 1, 0.5877, 0.7, 790, 8000)));
        String md = summary.markdown();
        assertThat(md).contains("over 1 seed; a cell with a single seed shows its value only. ");
        assertThat(md).contains("Seed: 1.");
        assertThat(md).contains("""
                | Method | 16 shots |
                |:---|---:|
                | Zero-shot | 58.77 |
                | PG+PR | 70.00 |
                | CraFT | 71.22 |
                """);
        assertThat(md).doesNotContain("(n=");
        Stats craft = summary.accuracyRows().get(2).byShots().get(16);
        assertThat(craft.n()).isEqualTo(1);
        assertThat(craft.hasStd()).isFalse();
    }

    @Test
    void csvHasEveryReportFieldAndReadsBack() {
        List<TuneReport> r = new ArrayList<>(threeSeeds());
        r.add(new TuneReport("zs", "C:\\data, \"quoted\"", 1, 1, 8000, 0, 1, Double.NaN, 0.4, 0.5, 0));
        r.add(new TuneReport("craft", "d", 1, 1, 8000, 8000, 2, 0.3, 0.6, 9.5, 10,
                new TuneReport.Refit(50, 4, Map.of(0, 0.5, 50, 0.75), Map.of(0, 1.5, 50, 0.9), 2.5, 0.6)));
        BenchSummary summary = BenchSummary.from(r);
        String csv = summary.csv();
        List<String> lines = csv.lines().toList();
        assertThat(lines.get(0)).isEqualTo("method,dataset,shots,seed,budget,trainQueries,evalQueries,"
                + "zeroShotAccuracy,testAccuracy,wallSeconds,artefactBytes,finalRefitEpochs");
        assertThat(lines).hasSize(1 + r.size());
        assertThat(lines.get(1)).isEqualTo("zs,\"C:\\data, \"\"quoted\"\"\",1,1,8000,0,1,,0.4,0.5,0,");
        assertThat(lines.get(2)).isEqualTo("bbt,data/eurosat,1,1,8000,8000,2,0.4,0.5,10.0,4096,");
        assertThat(lines).contains("craft,d,1,1,8000,8000,2,0.3,0.6,9.5,10,50");
        List<TuneReport> back = BenchSummary.parseCsv(csv, "summary.csv");
        assertThat(back).hasSize(r.size());
        for (int i = 0; i < back.size(); i++) {
            TuneReport a = summary.reports().get(i);
            TuneReport b = back.get(i);
            assertThat(b.method()).isEqualTo(a.method());
            assertThat(b.dataset()).isEqualTo(a.dataset());
            assertThat(b.testAccuracy()).isEqualTo(a.testAccuracy());
            assertThat(Double.compare(b.zeroShotAccuracy(), a.zeroShotAccuracy())).isZero();
            assertThat(b.artefactBytes()).isEqualTo(a.artefactBytes());
            assertThat(b.finalRefit()).isNull();
        }
        assertThat(BenchSummary.from(back).markdown()).isEqualTo(summary.markdown());
    }

    @Test
    void csvReadsColumnsByNameAndRejectsWhatIsNotASummary() {
        String reordered = "seed,method,dataset,shots,budget,trainQueries,evalQueries,zeroShotAccuracy,testAccuracy,"
                + "wallSeconds,artefactBytes,extra\r\n2,craft,d,4,8000,8000,3,0.5,0.75,12.5,99,x\r\n";
        TuneReport r = BenchSummary.parseCsv(reordered, "s.csv").get(0);
        assertThat(r).isEqualTo(new TuneReport("craft", "d", 4, 2, 8000, 8000, 3, 0.5, 0.75, 12.5, 99));
        assertThatThrownBy(() -> BenchSummary.parseCsv("a,b\n1,2\n", "s.csv"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("s.csv is not a bench summary: column 'method' is missing");
        String bad = String.join(",", SummaryCsv.header()) + "\ncraft,d,four,1,8000,1,1,0.1,0.2,1,1,\n";
        assertThatThrownBy(() -> BenchSummary.parseCsv(bad, "s.csv")).hasMessage("s.csv row 2: shots 'four' is not a number");
        assertThatThrownBy(() -> BenchSummary.from(List.of())).hasMessage("no finished runs to summarise");
    }
}
