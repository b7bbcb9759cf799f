package dev.craft.service.model.selection;

import dev.craft.service.model.InvalidBundleException;

/** The selected bundle cannot be found or built; the message says which, where it was looked for and what to do. */
public class BundleUnavailableException extends InvalidBundleException {

    public BundleUnavailableException(String message) {
        super(message);
    }

    public BundleUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
