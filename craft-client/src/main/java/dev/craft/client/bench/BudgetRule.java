package dev.craft.client.bench;

import java.util.Locale;

/**
 * The training budget of each cell of a bench.
 *
 * <ul>
 *   <li>{@code fixed}: every cell gets B (the {@code --budget}).</li>
 *   <li>{@code reference}: the paper's reference code's per-shot budgets scaled to B = the budget of
 *       8 and 16 shots: B / 4 for 1 shot, B / 2 for 2 to 7 shots, B for 8 shots and more. With the
 *       default B = 8000 that is 2,000 / 4,000 / 8,000, as the reference code runs it.</li>
 * </ul>
 */
public record BudgetRule(Kind kind, long budget) {

    public enum Kind {
        FIXED, REFERENCE;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public BudgetRule {
        if (budget < 0) {
            throw new IllegalArgumentException("--budget must not be negative");
        }
    }

    public static BudgetRule fixed(long budget) {
        return new BudgetRule(Kind.FIXED, budget);
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static BudgetRule parse(String kind, long budget) {
        for (Kind k : Kind.values()) {
            if (k.id().equalsIgnoreCase(kind.trim())) {
                return new BudgetRule(k, budget);
            }
        }
        throw new IllegalArgumentException("--budget-rule '" + kind + "' is not one of fixed, reference");
    }

    /** Training queries allowed for a cell with {@code shots} images per class. */
    public long budgetFor(int shots) {
        if (kind == Kind.FIXED || shots >= 8) {
            return budget;
        }
        return shots <= 1 ? budget / 4 : budget / 2;
    }

    /** For messages and summaries: {@code 8000} or {@code reference (1 shot 2000, 2-7 shots 4000, 8+ shots 8000)}. */
    public String describe() {
        if (kind == Kind.FIXED) {
            return Long.toString(budget);
        }
        return "reference (1 shot " + budgetFor(1) + ", 2-7 shots " + budgetFor(2) + ", 8+ shots " + budgetFor(8) + ")";
    }
}
