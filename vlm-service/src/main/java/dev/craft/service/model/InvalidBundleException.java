package dev.craft.service.model;

/** A model bundle that cannot be served; the message names the file or field at fault. */
public class InvalidBundleException extends RuntimeException {

    public InvalidBundleException(String message) {
        super(message);
    }

    public InvalidBundleException(String message, Throwable cause) {
        super(message, cause);
    }
}
