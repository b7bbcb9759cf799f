package dev.craft.client.service;

/** No HTTP answer arrived: the connection was refused, reset or timed out on every attempt. */
public class ServiceUnreachableException extends VlmClientException {

    public ServiceUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
