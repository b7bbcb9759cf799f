package dev.craft.service.problem;

import dev.craft.api.ProblemTypes;
import dev.craft.api.TensorFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.util.DisconnectedClientHelper;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

import java.util.Map;

/** Turns every failure into RFC 7807 problem+json with a stable type; bad input never becomes a 500. */
@RestControllerAdvice
public class ProblemExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemExceptionHandler.class);
    private static final MediaType PROBLEM = MediaType.APPLICATION_PROBLEM_JSON;
    private static final int MAX_DETAIL = 300;

    private final RejectionMetrics metrics;

    public ProblemExceptionHandler(RejectionMetrics metrics) {
        this.metrics = metrics;
    }

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ProblemDetail> api(ApiException e) {
        return respond(e.status(), e.type(), e.getMessage(), e.properties());
    }

    @ExceptionHandler({HttpMessageNotReadableException.class, TensorFormatException.class})
    ResponseEntity<ProblemDetail> unreadable(Exception e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BodyTooLargeException tooLarge) {
                return respond(HttpStatus.CONTENT_TOO_LARGE, ProblemTypes.PAYLOAD_TOO_LARGE, tooLarge.getMessage(), Map.of());
            }
        }
        String message = String.valueOf(e.getMessage());
        String detail = message.startsWith("Required request body is missing") ? "the request body is missing"
                : "request body could not be read: " + shortMessage(e);
        return respond(HttpStatus.BAD_REQUEST, ProblemTypes.MALFORMED_REQUEST, detail, Map.of());
    }

    @ExceptionHandler({MissingServletRequestPartException.class, MissingServletRequestParameterException.class})
    ResponseEntity<ProblemDetail> missingPart(Exception e) {
        return respond(HttpStatus.BAD_REQUEST, ProblemTypes.MALFORMED_REQUEST, shortMessage(e), Map.of());
    }

    @ExceptionHandler(TypeMismatchException.class)
    ResponseEntity<ProblemDetail> typeMismatch(TypeMismatchException e) {
        String name = e.getPropertyName() == null ? "a parameter" : "'" + e.getPropertyName() + "'";
        return respond(HttpStatus.BAD_REQUEST, ProblemTypes.MALFORMED_REQUEST,
                name + " has the wrong type or form (send text fields as plain form fields)", Map.of());
    }

    @ExceptionHandler(MaxUploadSizeExceededException.class)
    ResponseEntity<ProblemDetail> tooLarge(MaxUploadSizeExceededException e) {
        return respond(HttpStatus.PAYLOAD_TOO_LARGE, ProblemTypes.PAYLOAD_TOO_LARGE,
                "upload exceeds the size limit (spring.servlet.multipart.max-file-size / max-request-size)", Map.of());
    }

    @ExceptionHandler(MultipartException.class)
    ResponseEntity<ProblemDetail> multipart(MultipartException e) {
        return respond(HttpStatus.BAD_REQUEST, ProblemTypes.MALFORMED_REQUEST,
                "expected a valid multipart/form-data request: " + shortMessage(e), Map.of());
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ProblemDetail> unsupported(HttpMediaTypeNotSupportedException e) {
        return respond(HttpStatus.UNSUPPORTED_MEDIA_TYPE, ProblemTypes.UNSUPPORTED_MEDIA_TYPE,
                "content type " + e.getContentType() + " not supported here; use one of " + e.getSupportedMediaTypes(),
                Map.of());
    }

    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ResponseEntity<ProblemDetail> notAcceptable(HttpMediaTypeNotAcceptableException e) {
        return respond(HttpStatus.NOT_ACCEPTABLE, ProblemTypes.NOT_ACCEPTABLE,
                "cannot produce the requested media type; available: " + e.getSupportedMediaTypes(), Map.of());
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ProblemDetail> method(HttpRequestMethodNotSupportedException e) {
        return respond(HttpStatus.METHOD_NOT_ALLOWED, ProblemTypes.METHOD_NOT_ALLOWED, shortMessage(e), Map.of());
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ProblemDetail> noResource(NoResourceFoundException e) {
        return respond(HttpStatus.NOT_FOUND, ProblemTypes.NOT_FOUND, "no such endpoint: /" + e.getResourcePath(),
                Map.of());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        if (DisconnectedClientHelper.isClientDisconnectedException(e)) {
            // Not a failure of the service, and no answer can reach the client any more.
            log.info("The client went away before its answer was written: {}", e.toString());
            return null;
        }
        log.error("Unexpected error", e);
        return respond(HttpStatus.INTERNAL_SERVER_ERROR, ProblemTypes.INTERNAL,
                "the service failed to handle this request; nothing was charged", Map.of());
    }

    private ResponseEntity<ProblemDetail> respond(HttpStatusCode status, String type, String detail,
                                                  Map<String, Object> properties) {
        metrics.rejected(type);
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(PROBLEM);
        if (status.value() == 401) {
            headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        Object retryAfter = properties.get("retryAfterSeconds");
        if (retryAfter != null) {
            headers.set(HttpHeaders.RETRY_AFTER, retryAfter.toString());
        }
        return new ResponseEntity<>(Problems.of(status, type, detail, properties), headers, status);
    }

    private static String shortMessage(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.length() > MAX_DETAIL ? message.substring(0, MAX_DETAIL) + "..." : message;
    }
}
