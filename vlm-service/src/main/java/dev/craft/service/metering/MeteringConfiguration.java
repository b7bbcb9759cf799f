package dev.craft.service.metering;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class MeteringConfiguration {

    private static final Logger log = LoggerFactory.getLogger(MeteringConfiguration.class);

    @Bean
    ReplicaId replicaId() {
        ReplicaId replica = ReplicaId.random();
        log.info("Quota reservations of this process are tagged replica '{}'", replica.value());
        return replica;
    }
}
