package dev.craft.client.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.craft.client.tune.Method;
import dev.craft.client.tune.TuneReport;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchGridTest {

    @Test
    void defaultsAreThePaperProtocol() {
        BenchGrid grid = BenchGrid.parse(BenchGrid.ALL_METHODS, BenchGrid.PAPER_SHOTS, BenchGrid.PAPER_SEEDS);
        assertThat(grid.methods()).containsExactly(Method.ZS, Method.BBT, Method.PR, Method.PGPR, Method.CRAFT);
        assertThat(grid.shots()).containsExactly(1, 2, 4, 8, 16);
        assertThat(grid.seeds()).containsExactly(1L, 2L, 3L);
        assertThat(grid.cells()).hasSize(5 * 5 * 3);
    }

    @Test
    void keepsTheGivenOrderAndAcceptsSpacesAndCase() {
        BenchGrid grid = BenchGrid.parse(" CRAFT, bbt ", "16, 1", "7,-2");
        assertThat(grid.methods()).containsExactly(Method.CRAFT, Method.BBT);
        assertThat(grid.shots()).containsExactly(16, 1);
        assertThat(grid.seeds()).containsExactly(7L, -2L);
        assertThat(grid.cells()).containsExactly(
                new BenchCell(Method.CRAFT, 16, 7), new BenchCell(Method.CRAFT, 16, -2),
                new BenchCell(Method.CRAFT, 1, 7), new BenchCell(Method.CRAFT, 1, -2),
                new BenchCell(Method.BBT, 16, 7), new BenchCell(Method.BBT, 16, -2),
                new BenchCell(Method.BBT, 1, 7), new BenchCell(Method.BBT, 1, -2));
    }

    @Test
    void badListsGiveOneLineMessagesNamingTheOption() {
        assertThatThrownBy(() -> BenchGrid.parse("zs,nope", "1", "1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--methods: 'nope' is not one of [zs, bbt, pr, pgpr, craft]");
        assertThatThrownBy(() -> BenchGrid.parse("zs,ZS", "1", "1")).hasMessage("--methods lists ZS twice");
        assertThatThrownBy(() -> BenchGrid.parse("zs", "1,,2", "1")).hasMessage("--shots '1,,2' has an empty item");
        assertThatThrownBy(() -> BenchGrid.parse("zs", "0", "1"))
                .hasMessage("--shots: 0 is not a positive number of images per class");
        assertThatThrownBy(() -> BenchGrid.parse("zs", "1.5", "1")).hasMessage("--shots: '1.5' is not a whole number");
        assertThatThrownBy(() -> BenchGrid.parse("zs", "1", "a")).hasMessage("--seeds: 'a' is not a whole number");
        assertThatThrownBy(() -> BenchGrid.parse("zs", "1", "3,3")).hasMessage("--seeds lists 3 twice");
        assertThatThrownBy(() -> BenchGrid.parse(" ", "1", "1")).hasMessage("--methods needs at least one value");
    }

    @Test
    void cellNamesAndLabels() {
        BenchCell cell = new BenchCell(Method.PGPR, 16, 3);
        assertThat(cell.dirName()).isEqualTo("pgpr-16shot-seed3");
        assertThat(cell.label()).isEqualTo("pgpr 16-shot seed 3");
        assertThat(new BenchCell(Method.ZS, 1, 1).dirName()).isEqualTo("zs-1shot-seed1");
        List<String> names = BenchGrid.parse(BenchGrid.ALL_METHODS, BenchGrid.PAPER_SHOTS, BenchGrid.PAPER_SEEDS)
                .cells().stream().map(BenchCell::dirName).distinct().toList();
        assertThat(names).hasSize(75);
    }

    @Test
    void aReportBelongsToTheCellWithTheSameMethodShotsSeedAndBudget() {
        BenchCell cell = new BenchCell(Method.CRAFT, 4, 2);
        TuneReport report = new TuneReport("craft", "d", 4, 2, 8000, 8000, 5, 0.5, 0.6, 10, 100);
        assertThat(cell.isReportedBy(report, 8000)).isTrue();
        assertThat(cell.isReportedBy(report, 4000)).isFalse();
        assertThat(new BenchCell(Method.BBT, 4, 2).isReportedBy(report, 8000)).isFalse();
        assertThat(new BenchCell(Method.CRAFT, 8, 2).isReportedBy(report, 8000)).isFalse();
        assertThat(new BenchCell(Method.CRAFT, 4, 1).isReportedBy(report, 8000)).isFalse();
    }
}
