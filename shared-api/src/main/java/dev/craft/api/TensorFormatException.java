package dev.craft.api;

import java.io.IOException;

/** A binary tensor or predict frame that does not follow the wire format. */
public class TensorFormatException extends IOException {

    public TensorFormatException(String message) {
        super(message);
    }
}
