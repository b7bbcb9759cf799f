package dev.craft.service.model;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * A bundle that cannot be served stops the start-up with its one-line message and no stack trace
 * (registered in META-INF/spring.factories).
 */
public final class BundleFailureAnalyzer extends AbstractFailureAnalyzer<InvalidBundleException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidBundleException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Choose the model with vlm.model.bundle (VLM_MODEL_BUNDLE): tiny, demo, bench or a bundle directory;"
                        + " see docs/models.md.", cause);
    }
}
