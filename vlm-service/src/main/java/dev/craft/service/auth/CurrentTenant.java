package dev.craft.service.auth;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/** The authenticated tenant of the current request. */
public final class CurrentTenant {

    private static final String ATTRIBUTE = CurrentTenant.class.getName();

    private CurrentTenant() {
    }

    static void set(HttpServletRequest request, Tenant tenant) {
        request.setAttribute(ATTRIBUTE, tenant);
    }

    /** The tenant; only valid inside a {@code /v1/} request, which the filter has authenticated. */
    public static Tenant get() {
        Object tenant = RequestContextHolder.currentRequestAttributes()
                .getAttribute(ATTRIBUTE, RequestAttributes.SCOPE_REQUEST);
        if (!(tenant instanceof Tenant t)) {
            throw new IllegalStateException("no authenticated tenant on this request");
        }
        return t;
    }
}
