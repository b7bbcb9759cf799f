package dev.craft.client.service;

/**
 * The service answered with an error status. {@link #problemType()} is the RFC 7807 type
 * (one of {@link dev.craft.api.ProblemTypes}), or null when the body was not a problem document.
 */
public class ServiceException extends VlmClientException {

    private final String operation;
    private final int status;
    private final String problemType;
    private final String detail;

    public ServiceException(String operation, int status, String problemType, String detail, int attempts) {
        super(message(operation, status, problemType, detail, attempts));
        this.operation = operation;
        this.status = status;
        this.problemType = problemType;
        this.detail = detail;
    }

    public String operation() {
        return operation;
    }

    public int status() {
        return status;
    }

    public String problemType() {
        return problemType;
    }

    public String detail() {
        return detail;
    }

    private static String message(String operation, int status, String type, String detail, int attempts) {
        String verb = status >= 500 ? "failed" : "refused";
        String code = type == null ? Integer.toString(status) : status + " " + type;
        String tries = attempts > 1 ? " after " + attempts + " attempts" : "";
        return "service " + verb + " " + operation + " (" + code + ")" + tries + ": " + detail;
    }
}
