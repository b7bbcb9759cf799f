package dev.craft.service.problem;

import java.io.IOException;

/** A request body without a declared length that passed vlm.limits.max-body-bytes while being read. */
public class BodyTooLargeException extends IOException {

    public BodyTooLargeException(long maxBytes) {
        super("the request body exceeds the limit of " + maxBytes + " bytes (vlm.limits.max-body-bytes)");
    }
}
