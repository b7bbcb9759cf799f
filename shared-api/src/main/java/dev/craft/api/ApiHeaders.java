package dev.craft.api;

/** HTTP header names shared by the service and the client. */
public final class ApiHeaders {

    /** The tenant's running total of charged queries, after this request. */
    public static final String QUERIES_USED = "X-Craft-Queries-Used";
    /** Queries charged by this request (0 for an idempotent replay). */
    public static final String QUERIES_CHARGED = "X-Craft-Queries-Charged";
    /** Queries left in the tenant's quota, after this request. */
    public static final String QUOTA_REMAINING = "X-Craft-Quota-Remaining";
    /** Client-chosen key that makes a retried metered request free and identical. */
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    /** Set to "true" when a response replays an earlier request with the same idempotency key. */
    public static final String IDEMPOTENT_REPLAY = "X-Craft-Idempotent-Replay";

    private ApiHeaders() {
    }
}
