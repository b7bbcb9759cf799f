package dev.craft.service.predict;

import dev.craft.api.ApiHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/** A metered answer with the running count in its headers. */
final class MeteredResponses {

    private MeteredResponses() {
    }

    /** The answer; its logits are released when the request completes, written or not. */
    static ResponseEntity<ComputedLogits> of(MeteredResult result) {
        ComputedLogits logits = result.logits();
        RequestContextHolder.currentRequestAttributes().registerDestructionCallback(
                ComputedLogits.class.getName(), logits::close, RequestAttributes.SCOPE_REQUEST);
        return ResponseEntity.ok()
                .header(ApiHeaders.QUERIES_USED, Long.toString(result.charge().totalUsed()))
                .header(ApiHeaders.QUERIES_CHARGED, Long.toString(result.charge().queries()))
                .header(ApiHeaders.QUOTA_REMAINING, Long.toString(result.charge().remaining()))
                .header(ApiHeaders.IDEMPOTENT_REPLAY, Boolean.toString(result.replay()))
                .body(logits);
    }
}
