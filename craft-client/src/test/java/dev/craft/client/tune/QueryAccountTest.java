package dev.craft.client.tune;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QueryAccountTest {

    private static BlackBox.Answer charged(long queries) {
        return new BlackBox.Answer(new float[0], queries);
    }

    @Test
    void countsTrainingAndEvaluationSeparatelyAndReplaysAsFree() {
        QueryAccount account = new QueryAccount(100, 0, 0);
        account.recordTraining(40, charged(40));
        account.recordEvaluation(1, charged(1));
        account.recordTraining(40, charged(0));
        assertThat(account.trainQueries()).isEqualTo(80);
        assertThat(account.evalQueries()).isEqualTo(1);
        assertThat(account.replayed()).isEqualTo(40);
    }

    @Test
    void neverPlansPastTheBudget() {
        QueryAccount account = new QueryAccount(100, 80, 0);
        account.ensureBudgetFor(20);
        assertThatThrownBy(() -> account.ensureBudgetFor(21)).isInstanceOf(TuneException.class)
                .hasMessageContaining("only 20 of the budget of 100 remain");
    }

    @Test
    void stopsWhenTheServiceChargesSomethingElse() {
        QueryAccount account = new QueryAccount(100, 0, 0);
        assertThatThrownBy(() -> account.recordTraining(40, charged(41))).isInstanceOf(TuneException.class)
                .hasMessageContaining("charged 41 queries for 40 prompts");
        assertThat(account.trainQueries()).isZero();
    }
}
