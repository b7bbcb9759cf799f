package dev.craft.api;

/**
 * Stable RFC 7807 {@code type} URIs, one per kind of error. Clients may switch on them;
 * they never change meaning.
 */
public final class ProblemTypes {

    private static final String PREFIX = "urn:craft:problem:";

    public static final String MISSING_API_KEY = PREFIX + "missing-api-key";
    public static final String INVALID_API_KEY = PREFIX + "invalid-api-key";
    public static final String QUOTA_EXHAUSTED = PREFIX + "quota-exhausted";
    public static final String NOT_FOUND = PREFIX + "not-found";
    public static final String MALFORMED_REQUEST = PREFIX + "malformed-request";
    public static final String INVALID_PROMPT_SHAPE = PREFIX + "invalid-prompt-shape";
    public static final String NON_FINITE_VALUE = PREFIX + "non-finite-value";
    public static final String INVALID_INDICES = PREFIX + "invalid-indices";
    public static final String INVALID_CLASS_SET = PREFIX + "invalid-class-set";
    public static final String INVALID_TEMPLATE = PREFIX + "invalid-template";
    public static final String INVALID_IMAGE = PREFIX + "invalid-image";
    public static final String INVALID_ARCHIVE = PREFIX + "invalid-archive";
    public static final String TOO_MANY_IMAGES = PREFIX + "too-many-images";
    public static final String PAYLOAD_TOO_LARGE = PREFIX + "payload-too-large";
    public static final String REQUEST_TOO_LARGE = PREFIX + "request-too-large";
    public static final String UNSUPPORTED_MEDIA_TYPE = PREFIX + "unsupported-media-type";
    public static final String NOT_ACCEPTABLE = PREFIX + "not-acceptable";
    public static final String METHOD_NOT_ALLOWED = PREFIX + "method-not-allowed";
    public static final String DATASET_MODEL_MISMATCH = PREFIX + "dataset-encoded-by-other-model";
    public static final String IDEMPOTENCY_CONFLICT = PREFIX + "idempotency-key-reused";
    public static final String OVERLOADED = PREFIX + "overloaded";
    public static final String RESERVATION_EXPIRED = PREFIX + "reservation-expired";
    public static final String INSUFFICIENT_STORAGE = PREFIX + "insufficient-storage";
    public static final String INTERNAL = PREFIX + "internal-error";

    private ProblemTypes() {
    }
}
