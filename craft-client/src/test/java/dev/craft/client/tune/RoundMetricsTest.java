package dev.craft.client.tune;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** metrics.csv rows: the promptRound column, and the files of runs made before it. */
class RoundMetricsTest {

    @Test
    void rowsRoundTripWithTheirPromptRound() {
        RoundMetrics row = new RoundMetrics(5, 200, 2, 1.5, 2.5, 0.7, 0.4, Double.NaN, 900, 100, 20, 30, 3);
        assertThat(row.toCsv()).isEqualTo("5,200,2,1.5,2.5,0.7,0.4,,900,100,20,30,3");
        assertThat(RoundMetrics.parse(row.toCsv())).isEqualTo(row);
        assertThat(RoundMetrics.HEADER).endsWith(",mlpMillis,promptRound");
        assertThat(RoundMetrics.HEADER.split(",")).hasSize(row.toCsv().split(",", -1).length);
    }

    @Test
    void legacyRowsHaveAnUnknownPromptRoundWrittenEmpty() {
        RoundMetrics legacy = RoundMetrics.parse("1,40,1,2.0,3.0,,0.5,0.25,10,1,2,3");
        assertThat(legacy.promptRound()).isEqualTo(-1);
        assertThat(legacy.testAccuracy()).isEqualTo(0.25);
        assertThat(legacy.toCsv()).isEqualTo("1,40,1,2.0,3.0,,0.5,0.25,10,1,2,3,");
        assertThat(RoundMetrics.parse(legacy.toCsv())).isEqualTo(legacy);
        assertThatThrownBy(() -> RoundMetrics.parse("1,2,3")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLegacyFileIsReadAndRewrittenInTheCurrentLayout(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("config.json"), "{}");
        Files.writeString(dir.resolve("metrics.csv"), RoundMetrics.LEGACY_HEADER + "\n"
                + "1,40,1,2.0,3.0,,0.5,,10,1,2,3\n2,80,1,2.0,3.0,,0.5,,10,1,2,3\n", StandardCharsets.UTF_8);
        RunDirectory run = RunDirectory.open(dir);
        assertThat(run.readMetrics()).extracting(RoundMetrics::round).containsExactly(1, 2);
        run.keepMetricsUpTo(1);
        List<String> lines = Files.readAllLines(dir.resolve("metrics.csv"));
        assertThat(lines).containsExactly(RoundMetrics.HEADER, "1,40,1,2.0,3.0,,0.5,,10,1,2,3,");
        run.appendMetrics(new RoundMetrics(2, 80, 1, 2.0, 3.0, Double.NaN, 0.5, Double.NaN, 10, 1, 2, 3, 2));
        assertThat(run.readMetrics()).extracting(RoundMetrics::promptRound).containsExactly(-1, 2);
    }
}
