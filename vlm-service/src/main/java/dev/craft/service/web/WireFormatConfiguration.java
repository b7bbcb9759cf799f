package dev.craft.service.web;

import dev.craft.service.VlmProperties;
import dev.craft.service.model.DualEncoderModel;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.converter.HttpMessageConverters;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Registers the binary wire formats next to JSON. */
@Configuration(proxyBeanMethods = false)
class WireFormatConfiguration implements WebMvcConfigurer {

    private final long maxPromptValues;

    WireFormatConfiguration(VlmProperties properties, DualEncoderModel model) {
        this.maxPromptValues = (long) properties.limits().maxPromptsPerRequest()
                * model.manifest().text().contextLength() * model.tokenWidth();
    }

    @Override
    public void configureMessageConverters(HttpMessageConverters.ServerBuilder builder) {
        builder.addCustomConverter(new LogitsTensorConverter());
        builder.addCustomConverter(new PredictFrameConverter(maxPromptValues));
    }
}
