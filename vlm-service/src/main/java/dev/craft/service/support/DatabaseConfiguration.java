package dev.craft.service.support;

import com.zaxxer.hikari.HikariDataSource;
import dev.craft.service.VlmProperties;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;

/**
 * The database of metadata, the ledger and quota reservations, chosen by {@code vlm.store}: the embedded H2 file
 * {@code <data-dir>/db/vlm.mv.db} (one replica), or PostgreSQL from Spring's standard {@code spring.datasource.*}
 * (several replicas). Flyway creates and upgrades the schema from {@code db/migration/{vendor}}.
 */
@Configuration(proxyBeanMethods = false)
class DatabaseConfiguration {

    /** {@code spring.datasource.hikari.*} tunes the pool of either store. */
    @Bean(destroyMethod = "close")
    @ConfigurationProperties("spring.datasource.hikari")
    HikariDataSource dataSource(VlmProperties properties, DataSourceProperties datasource) {
        HikariDataSource dataSource = properties.usesPostgres() ? postgres(datasource) : embeddedH2(properties.dataDir());
        dataSource.setPoolName("vlm-db");
        return dataSource;
    }

    /**
     * An H2 file that schema.sql created before the schema had migrations has tables but no Flyway history: it is
     * taken as version 1, and later versions are applied to it. Never on PostgreSQL, where a non-empty schema
     * without history is someone else's database, not an old one of ours.
     */
    @Bean
    FlywayConfigurationCustomizer baselineOldH2Files(VlmProperties properties) {
        return configuration -> configuration.baselineOnMigrate(!properties.usesPostgres()).baselineVersion("1");
    }

    private static HikariDataSource embeddedH2(Path dataDir) {
        // H2 refuses relative file paths, so the URL is built from the absolute data dir.
        Path file = dataDir.toAbsolutePath().normalize().resolve("db").resolve("vlm");
        HikariDataSource dataSource = new HikariDataSource();
        // WRITE_DELAY=0: a commit reaches the file before the answer leaves, so a crash (kill -9) loses no
        // charge; by default H2 writes committed transactions up to 500 ms later.
        dataSource.setJdbcUrl("jdbc:h2:file:" + file + ";DB_CLOSE_ON_EXIT=FALSE;AUTO_RECONNECT=FALSE;WRITE_DELAY=0");
        dataSource.setUsername("sa");
        dataSource.setPassword("");
        dataSource.setMaximumPoolSize(8);
        return dataSource;
    }

    private static HikariDataSource postgres(DataSourceProperties datasource) {
        if (datasource.getUrl() == null || datasource.getUrl().isBlank()) {
            // Without this check Boot would quietly make an in-memory database, and replicas would not share one.
            throw new MissingDatabaseUrlException();
        }
        return datasource.initializeDataSourceBuilder().type(HikariDataSource.class).build();
    }
}
