package dev.craft.client.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.craft.client.tune.TuneReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

class CellActionTest {

    private static final Path DIR = Path.of("bench/craft-1shot-seed1");

    private static CellAction.Status status(boolean config, boolean checkpoint, boolean report) {
        return new CellAction.Status(config, checkpoint, report);
    }

    @Test
    void withResume() {
        assertThat(CellAction.decide(status(false, false, false), true, DIR)).isEqualTo(CellAction.RUN);
        assertThat(CellAction.decide(status(true, false, false), true, DIR)).isEqualTo(CellAction.RESUME);
        assertThat(CellAction.decide(status(true, true, false), true, DIR)).isEqualTo(CellAction.RESUME);
        assertThat(CellAction.decide(status(true, true, true), true, DIR)).isEqualTo(CellAction.SKIP);
        assertThat(CellAction.decide(status(true, false, true), true, DIR)).isEqualTo(CellAction.SKIP);
        assertThatThrownBy(() -> CellAction.decide(status(false, true, false), true, DIR))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no config.json");
    }

    @Test
    void withoutResumeAStartedOrFinishedRunIsAnError() {
        assertThat(CellAction.decide(status(false, false, false), false, DIR)).isEqualTo(CellAction.RUN);
        assertThatThrownBy(() -> CellAction.decide(status(true, true, true), false, DIR))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(DIR + " already holds a finished run; use --resume to keep it, or choose another --out");
        assertThatThrownBy(() -> CellAction.decide(status(true, false, false), false, DIR))
                .hasMessageContaining("already holds a started run; use --resume");
    }

    @Test
    void statusReadsTheRunDirectory(@TempDir Path tmp) throws IOException {
        assertThat(CellAction.Status.of(tmp.resolve("absent"))).isEqualTo(status(false, false, false));
        Files.writeString(tmp.resolve("config.json"), "{}");
        assertThat(CellAction.Status.of(tmp)).isEqualTo(status(true, false, false));
        Files.createDirectories(tmp.resolve("checkpoint"));
        Files.writeString(tmp.resolve("checkpoint/state.cbor"), "x");
        Files.writeString(tmp.resolve("report.json"), "{}");
        assertThat(CellAction.Status.of(tmp)).isEqualTo(status(true, true, true));
    }

    @Test
    void planDecidesEveryCellBeforeRunning(@TempDir Path bench) throws IOException {
        BenchGrid grid = BenchGrid.parse("zs,craft", "1", "1,2");
        // zs seed 1 finished, craft seed 2 interrupted after a checkpoint, the rest untouched.
        writeReport(bench.resolve("zs-1shot-seed1"), new TuneReport("zs", "d", 1, 1, 8000, 0, 1, 0.5, 0.5, 1, 10));
        Path craft2 = bench.resolve("craft-1shot-seed2");
        Files.createDirectories(craft2.resolve("checkpoint"));
        Files.writeString(craft2.resolve("config.json"), "{}");
        Files.writeString(craft2.resolve("checkpoint/state.cbor"), "x");

        BenchPlan plan = BenchPlan.of(grid, bench, true, BudgetRule.fixed(8000));
        assertThat(plan.steps()).extracting(BenchPlan.Step::action)
                .containsExactly(CellAction.SKIP, CellAction.RUN, CellAction.RUN, CellAction.RESUME);
        assertThat(plan.steps().get(3).runDir()).isEqualTo(craft2);
        assertThat(plan.count(CellAction.RUN)).isEqualTo(2);

        assertThatThrownBy(() -> BenchPlan.of(grid, bench, false, BudgetRule.fixed(8000)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zs-1shot-seed1 already holds");
        assertThatThrownBy(() -> BenchPlan.of(grid, bench, true, BudgetRule.fixed(4000)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is for zs 1-shot seed 1 with budget 8000, not zs 1-shot seed 1 with budget 4000");
    }

    static void writeReport(Path runDir, TuneReport report) throws IOException {
        Files.createDirectories(runDir);
        Files.writeString(runDir.resolve("config.json"), "{}");
        Files.writeString(runDir.resolve("report.json"),
                JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(report));
    }
}
