package dev.craft.service.web;

import dev.craft.service.VlmProperties;
import dev.craft.service.model.DualEncoderModel;
import dev.craft.service.problem.ProblemResponses;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.converter.HttpMessageConverters;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.core.StreamWriteFeature;

/** Registers the binary wire formats next to JSON, and the bound on request bodies. */
@Configuration(proxyBeanMethods = false)
class WireFormatConfiguration implements WebMvcConfigurer {

    static final int SOCKET_WRITE_BUFFER_BYTES = 64 * 1024;

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

    /**
     * Tomcat copies a response into its per-connection socket buffer and writes that buffer out; at its default of
     * 8 KiB a 256 MB logits tensor took 32,768 write calls. 64 KiB (the loopback MTU) needs 4,096 and measured as
     * fast as 256 KiB, while keeping the per-connection buffer small.
     */
    @Bean
    TomcatConnectorCustomizer largeSocketWrites() {
        return connector -> {
            if (!connector.setProperty("socket.appWriteBufSize", Integer.toString(SOCKET_WRITE_BUFFER_BYTES))) {
                throw new IllegalStateException("Tomcat did not accept socket.appWriteBufSize");
            }
        };
    }

    /**
     * JSON answers write their floats with Jackson's fast (Schubfach) writer instead of JDK 17's Float.toString:
     * the same float values, parsed back, at a fraction of the cost.
     */
    @Bean
    JsonMapperBuilderCustomizer fastFloatWriting() {
        return builder -> builder.enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER);
    }

    @Override
    public void configureMessageConverters(HttpMessageConverters.ServerBuilder builder) {
        builder.addCustomConverter(new LogitsTensorConverter());
        builder.addCustomConverter(new PredictFrameConverter(maxPromptValues));
    }
}
