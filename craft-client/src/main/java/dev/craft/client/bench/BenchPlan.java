package dev.craft.client.bench;

import dev.craft.client.tune.TuneReport;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The action for every cell of a grid, decided before the first query so that a clash with an
 * earlier run (or a finished run made with other settings) fails before anything is spent.
 */
public record BenchPlan(List<Step> steps) {

    /** @param budget the cell's training budget */
    public record Step(BenchCell cell, Path runDir, CellAction action, long budget) {
    }

    public BenchPlan {
        steps = List.copyOf(steps);
    }

    public static BenchPlan of(BenchGrid grid, Path benchDir, boolean resume, BudgetRule budgets) throws IOException {
        List<Step> steps = new ArrayList<>();
        for (BenchCell cell : grid.cells()) {
            Path runDir = benchDir.resolve(cell.dirName());
            CellAction action = CellAction.decide(CellAction.Status.of(runDir), resume, runDir);
            long budget = budgets.budgetFor(cell.shots());
            if (action == CellAction.SKIP) {
                TuneReport report = Reports.read(runDir);
                if (!cell.isReportedBy(report, budget)) {
                    throw new IllegalArgumentException(runDir.resolve("report.json") + " is for " + report.method() + " "
                            + report.shots() + "-shot seed " + report.seed() + " with budget " + report.budget()
                            + ", not " + cell.label() + " with budget " + budget + "; use another --out");
                }
            }
            steps.add(new Step(cell, runDir, action, budget));
        }
        return new BenchPlan(steps);
    }

    public long count(CellAction action) {
        return steps.stream().filter(s -> s.action() == action).count();
    }
}
