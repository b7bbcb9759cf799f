package dev.craft.client.service;

/** A call to the VLM service that did not produce an answer; the message is one line meant for the user. */
public class VlmClientException extends RuntimeException {

    public VlmClientException(String message) {
        super(message);
    }

    public VlmClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
