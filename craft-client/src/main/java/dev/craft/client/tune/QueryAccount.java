package dev.craft.client.tune;

/**
 * Counts the run's queries: training queries (against the budget) and test-set evaluation queries
 * (reported separately), and cross-checks each answer against what the service says it charged.
 */
final class QueryAccount {

    private final long budget;
    private long trainQueries;
    private long evalQueries;
    private long replayed;

    QueryAccount(long budget, long trainQueries, long evalQueries) {
        this.budget = budget;
        this.trainQueries = trainQueries;
        this.evalQueries = evalQueries;
    }

    void ensureBudgetFor(int queries) {
        if (trainQueries + queries > budget) {
            throw new TuneException("the next step needs " + queries + " training queries but only "
                    + (budget - trainQueries) + " of the budget of " + budget + " remain");
        }
    }

    void recordTraining(int sent, BlackBox.Answer answer) {
        check(sent, answer);
        trainQueries += sent;
    }

    void recordEvaluation(int sent, BlackBox.Answer answer) {
        check(sent, answer);
        evalQueries += sent;
    }

    /**
     * A fresh answer must cost exactly the prompts sent; an idempotent replay (a resumed round) costs
     * nothing because it was charged before the interruption. Anything else means the client's count
     * and the service's disagree, and the run stops rather than spend blindly.
     */
    private void check(int sent, BlackBox.Answer answer) {
        if (answer.charged() == 0) {
            replayed += sent;
        } else if (answer.charged() != sent) {
            throw new TuneException("the service charged " + answer.charged() + " queries for " + sent
                    + " prompts; stopping because the client's query count no longer matches the service's");
        }
    }

    long trainQueries() {
        return trainQueries;
    }

    long evalQueries() {
        return evalQueries;
    }

    long budget() {
        return budget;
    }

    long replayed() {
        return replayed;
    }
}
