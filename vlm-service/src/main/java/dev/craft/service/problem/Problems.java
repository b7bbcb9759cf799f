package dev.craft.service.problem;

import dev.craft.api.ProblemTypes;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

import java.net.URI;
import java.util.Map;

/** Builds problem bodies and names the reason tag of rejected-request metrics. */
public final class Problems {

    private Problems() {
    }

    public static ProblemDetail of(HttpStatusCode status, String type, String detail, Map<String, Object> properties) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create(type));
        problem.setTitle(titleOf(type));
        properties.forEach(problem::setProperty);
        return problem;
    }

    /** "urn:craft:problem:quota-exhausted" becomes "quota-exhausted". */
    public static String reasonOf(String type) {
        int colon = type.lastIndexOf(':');
        return colon >= 0 ? type.substring(colon + 1) : type;
    }

    static String titleOf(String type) {
        if (ProblemTypes.INTERNAL.equals(type)) {
            return "Internal error";
        }
        String words = reasonOf(type).replace('-', ' ');
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }
}
