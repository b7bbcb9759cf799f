package dev.craft.service.support;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** A missing database URL stops the start-up with its one-line message and no stack trace. */
public final class DatabaseFailureAnalyzer extends AbstractFailureAnalyzer<MissingDatabaseUrlException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, MissingDatabaseUrlException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Set the PostgreSQL connection (spring.datasource.*), or use the embedded database with vlm.store=h2;"
                        + " see docs/operations.md.", cause);
    }
}
