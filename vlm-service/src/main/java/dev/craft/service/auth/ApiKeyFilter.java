package dev.craft.service.auth;

import dev.craft.api.ProblemTypes;
import dev.craft.service.problem.ProblemResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.Optional;

/** Authenticates every {@code /v1/} request by its bearer key and records the tenant on the request. */
public class ApiKeyFilter extends OncePerRequestFilter {

    private static final String BEARER = "Bearer ";

    private final TenantDirectory directory;
    private final ProblemResponses problems;

    public ApiKeyFilter(TenantDirectory directory, ProblemResponses problems) {
        this.directory = directory;
        this.problems = problems;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/v1/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || header.isBlank()) {
            problems.write(response, HttpStatus.UNAUTHORIZED, ProblemTypes.MISSING_API_KEY,
                    "send your API key as 'Authorization: Bearer <key>'");
            return;
        }
        Optional<Tenant> tenant = header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? directory.authenticate(header.substring(BEARER.length()).trim())
                : Optional.empty();
        if (tenant.isEmpty()) {
            problems.write(response, HttpStatus.UNAUTHORIZED, ProblemTypes.INVALID_API_KEY,
                    "the API key is not valid");
            return;
        }
        CurrentTenant.set(request, tenant.get());
        chain.doFilter(request, response);
    }
}
