package dev.craft.client.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.craft.client.tune.RoundMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchPlotsTest {

    private static RunCurve curve(String label, double zeroShot) {
        return new RunCurve(label, new long[] {400, 800}, new double[] {0.5, 0.6}, zeroShot);
    }

    private static XYDataset data(JFreeChart chart) {
        return chart.getXYPlot().getDataset();
    }

    @Test
    void zeroShotLinesPerRunOrOneWhenTheyAgree() {
        XYDataset shared = data(BenchPlots.queries(List.of(curve("a", 0.4), curve("b", 0.4), curve("c", Double.NaN)), null));
        assertThat(shared.getSeriesCount()).isEqualTo(4);
        assertThat(shared.getSeriesKey(3)).isEqualTo("zero-shot");
        assertThat(shared.getYValue(3, 0)).isEqualTo(40.0);
        assertThat(shared.getXValue(3, 1)).isEqualTo(800.0);

        XYDataset distinct = data(BenchPlots.queries(List.of(curve("a", 0.4), curve("a", 0.45)), "t"));
        assertThat(distinct.getSeriesCount()).isEqualTo(4);
        assertThat(List.of(distinct.getSeriesKey(0), distinct.getSeriesKey(1), distinct.getSeriesKey(2),
                distinct.getSeriesKey(3))).containsExactly("a", "a zero-shot", "a #2", "a #2 zero-shot");
        assertThat(distinct.getYValue(2, 1)).isEqualTo(60.0);
    }

    @Test
    void curveKeepsOnlyEvaluatedRoundsAndLabelsFromConfig(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("config.json"), "{\"method\":\"BBT\",\"shots\":4,\"seed\":2}");
        Files.writeString(dir.resolve("metrics.csv"), RoundMetrics.HEADER + "\n"
                + new RoundMetrics(1, 40, 0, 1, 1, Double.NaN, 0.3, Double.NaN, 10, 1, 1, 1).toCsv() + "\n"
                + new RoundMetrics(2, 80, 5, 1, 1, Double.NaN, 0.4, 0.55, 20, 1, 1, 1).toCsv() + "\n");
        RunCurve c = RunCurve.load(dir);
        assertThat(c.label()).isEqualTo("bbt 4-shot seed 2");
        assertThat(c.trainQueries()).containsExactly(80);
        assertThat(c.testAccuracy()).containsExactly(0.55);
        assertThat(c.zeroShotAccuracy()).isNaN();

        // a run made before the promptRound column: still a curve
        Files.writeString(dir.resolve("metrics.csv"), RoundMetrics.LEGACY_HEADER + "\n"
                + "1,40,0,1.0,1.0,,0.3,,10,1,1,1\n2,80,5,1.0,1.0,,0.4,0.55,20,1,1,1\n");
        assertThat(RunCurve.load(dir).testAccuracy()).containsExactly(0.55);

        Files.writeString(dir.resolve("metrics.csv"), "round,x\n");
        assertThatThrownBy(() -> RunCurve.load(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("does not start with the metrics.csv header");
        Files.writeString(dir.resolve("metrics.csv"), RoundMetrics.HEADER + "\n1,2,oops\n");
        assertThatThrownBy(() -> RunCurve.load(dir)).hasMessageEndingWith("line 2 is not a metrics row");
    }
}
