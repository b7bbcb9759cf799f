package dev.craft.client.tune;

/** A tuning run cannot go on; the message is one line for the user. */
public class TuneException extends RuntimeException {

    public TuneException(String message) {
        super(message);
    }

    public TuneException(String message, Throwable cause) {
        super(message, cause);
    }
}
