package dev.craft.service.problem;

import org.springframework.http.HttpStatus;

import java.util.Map;

/**
 * An error the client caused or must react to; rendered as RFC 7807 problem+json with a stable type
 * from {@link dev.craft.api.ProblemTypes}. Messages never contain secrets.
 */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String type;
    private final transient Map<String, Object> properties;

    public ApiException(HttpStatus status, String type, String detail) {
        this(status, type, detail, Map.of());
    }

    public ApiException(HttpStatus status, String type, String detail, Map<String, Object> properties) {
        super(detail);
        this.status = status;
        this.type = type;
        this.properties = properties;
    }

    public HttpStatus status() {
        return status;
    }

    public String type() {
        return type;
    }

    public Map<String, Object> properties() {
        return properties;
    }

    public static ApiException badRequest(String type, String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, type, detail);
    }

    public static ApiException notFound(String what, String id) {
        return new ApiException(HttpStatus.NOT_FOUND, dev.craft.api.ProblemTypes.NOT_FOUND,
                "no " + what + " with id '" + id + "'");
    }
}
