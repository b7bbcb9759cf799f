package dev.craft.service.web;

import dev.craft.service.VlmProperties;
import dev.craft.service.model.DualEncoderModel;
import dev.craft.service.problem.ProblemResponses;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.converter.HttpMessageConverters;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Registers the binary wire formats next to JSON, and the bound on request bodies. */
@Configuration(proxyBeanMethods = false)
class WireFormatConfiguration implements WebMvcConfigurer {

    private final long maxPromptValues;

    WireFormatConfiguration(VlmProperties properties, DualEncoderModel model) {
        this.maxPromptValues = (long) properties.limits().maxPromptsPerRequest()
                * model.manifest().text().contextLength() * model.tokenWidth();
    }

    @Bean
    FilterRegistrationBean<RequestSizeFilter> requestSizeFilter(VlmProperties properties, ProblemResponses problems) {
        FilterRegistrationBean<RequestSizeFilter> registration = new FilterRegistrationBean<>(
                new RequestSizeFilter(properties.limits().maxBodyBytes(), problems));
        registration.addUrlPatterns("/v1/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
        return registration;
    }

    @Override
    public void configureMessageConverters(HttpMessageConverters.ServerBuilder builder) {
        builder.addCustomConverter(new LogitsTensorConverter());
        builder.addCustomConverter(new PredictFrameConverter(maxPromptValues));
    }
}
