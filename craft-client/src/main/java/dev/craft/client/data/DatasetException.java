package dev.craft.client.data;

/** A dataset on disk that cannot be loaded; the message is one line meant for the user. */
public class DatasetException extends RuntimeException {

    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
