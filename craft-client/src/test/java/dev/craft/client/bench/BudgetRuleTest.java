package dev.craft.client.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BudgetRuleTest {

    @Test
    void referenceRuleGivesTheReferenceCodesBudgetsAtTheDefault() {
        BudgetRule rule = BudgetRule.parse("reference", 8000);
        assertThat(rule.budgetFor(1)).isEqualTo(2000);
        assertThat(rule.budgetFor(2)).isEqualTo(4000);
        assertThat(rule.budgetFor(4)).isEqualTo(4000);
        assertThat(rule.budgetFor(8)).isEqualTo(8000);
        assertThat(rule.budgetFor(16)).isEqualTo(8000);
        assertThat(rule.describe()).isEqualTo("reference (1 shot 2000, 2-7 shots 4000, 8+ shots 8000)");
    }

    @Test
    void referenceRuleScalesWithTheBudgetAndFixedIgnoresShots() {
        BudgetRule reduced = BudgetRule.parse("REFERENCE", 800);
        assertThat(reduced.budgetFor(1)).isEqualTo(200);
        assertThat(reduced.budgetFor(7)).isEqualTo(400);
        assertThat(reduced.budgetFor(32)).isEqualTo(800);
        BudgetRule fixed = BudgetRule.parse("fixed", 300);
        assertThat(fixed.budgetFor(1)).isEqualTo(300);
        assertThat(fixed.budgetFor(16)).isEqualTo(300);
        assertThat(fixed.describe()).isEqualTo("300");
    }

    @Test
    void unknownRuleOrNegativeBudgetIsRefused() {
        assertThatThrownBy(() -> BudgetRule.parse("paper", 8000)).hasMessage(
                "--budget-rule 'paper' is not one of fixed, reference");
        assertThatThrownBy(() -> BudgetRule.fixed(-1)).hasMessage("--budget must not be negative");
    }
}
