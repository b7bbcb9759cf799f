package dev.craft.service.testsupport;

import dev.craft.service.VlmServiceApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.ArrayList;
import java.util.List;

/** The real service in this JVM, as a replica: a random port on 127.0.0.1, the embedded tiny bundle. */
public final class ServiceContexts {

    private ServiceContexts() {
    }

    /** Starts the service with {@code args} (command-line properties) added to the defaults. */
    public static ConfigurableApplicationContext start(String... args) {
        List<String> all = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1", "--vlm.model.bundle=tiny"));
        all.addAll(List.of(args));
        return new SpringApplicationBuilder(VlmServiceApplication.class).run(all.toArray(String[]::new));
    }

    public static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }
}
