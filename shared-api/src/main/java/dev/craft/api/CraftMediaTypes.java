package dev.craft.api;

/** Media types of the wire contract. */
public final class CraftMediaTypes {

    /** One binary tensor; see {@link TensorCodec}. */
    public static final String TENSOR = "application/x-craft-tensor";
    /** A predict request: a JSON header followed by the prompts tensor; see {@link PredictFrame}. */
    public static final String PREDICT_FRAME = "application/x-craft-predict";
    /** RFC 7807 error body. */
    public static final String PROBLEM_JSON = "application/problem+json";

    private CraftMediaTypes() {
    }
}
