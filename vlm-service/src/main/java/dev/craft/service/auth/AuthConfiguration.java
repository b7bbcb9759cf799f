package dev.craft.service.auth;

import dev.craft.service.problem.ProblemResponses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

@Configuration(proxyBeanMethods = false)
class AuthConfiguration {

    private static final Logger log = LoggerFactory.getLogger(AuthConfiguration.class);

    @Bean
    FilterRegistrationBean<ApiKeyFilter> apiKeyFilter(TenantDirectory directory, ProblemResponses problems) {
        if (directory.isEmpty()) {
            log.warn("No API keys configured (vlm.api-keys / vlm.api-keys-file): every /v1 request will be refused");
        } else {
            log.info("{} tenant(s) configured", directory.tenants().size());
        }
        FilterRegistrationBean<ApiKeyFilter> registration = new FilterRegistrationBean<>(new ApiKeyFilter(directory, problems));
        registration.addUrlPatterns("/v1/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }
}
