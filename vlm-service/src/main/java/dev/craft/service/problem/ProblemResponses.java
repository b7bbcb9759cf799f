package dev.craft.service.problem;

import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes a problem+json response from outside Spring MVC (servlet filters). */
@Component
public class ProblemResponses {

    private final JsonMapper json;
    private final RejectionMetrics metrics;

    public ProblemResponses(JsonMapper json, RejectionMetrics metrics) {
        this.json = json;
        this.metrics = metrics;
    }

    public void write(HttpServletResponse response, HttpStatus status, String type, String detail) throws IOException {
        metrics.rejected(type);
        ProblemDetail problem = Problems.of(status, type, detail, Map.of());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", problem.getType().toString());
        body.put("title", problem.getTitle());
        body.put("status", problem.getStatus());
        body.put("detail", problem.getDetail());
        response.setStatus(status.value());
        if (status == HttpStatus.UNAUTHORIZED) {
            response.setHeader("WWW-Authenticate", "Bearer");
        }
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getOutputStream().write(json.writeValueAsBytes(body));
    }
}
