package dev.craft.service.predict;

import dev.craft.api.ApiHeaders;
import dev.craft.api.LogitsResponse;
import org.springframework.http.ResponseEntity;

/** A metered answer with the running count in its headers. */
final class MeteredResponses {

    private MeteredResponses() {
    }

    static ResponseEntity<LogitsResponse> of(MeteredResult result) {
        return ResponseEntity.ok()
                .header(ApiHeaders.QUERIES_USED, Long.toString(result.charge().totalUsed()))
                .header(ApiHeaders.QUERIES_CHARGED, Long.toString(result.charge().queries()))
                .header(ApiHeaders.QUOTA_REMAINING, Long.toString(result.charge().remaining()))
                .header(ApiHeaders.IDEMPOTENT_REPLAY, Boolean.toString(result.replay()))
                .body(result.logits());
    }
}
