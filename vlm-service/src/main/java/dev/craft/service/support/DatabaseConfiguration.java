package dev.craft.service.support;

import com.zaxxer.hikari.HikariDataSource;
import dev.craft.service.VlmProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import javax.sql.DataSource;
import java.nio.file.Path;

/**
 * The embedded H2 database file {@code <data-dir>/db/vlm.mv.db}: dataset and class-set metadata and
 * the usage ledger. H2 refuses relative file paths, so the URL is built from the absolute data dir.
 */
@Configuration(proxyBeanMethods = false)
class DatabaseConfiguration {

    @Bean(destroyMethod = "close")
    DataSource dataSource(VlmProperties properties) {
        Path file = properties.dataDir().toAbsolutePath().normalize().resolve("db").resolve("vlm");
        HikariDataSource dataSource = new HikariDataSource();
        // WRITE_DELAY=0: a commit reaches the file before the answer leaves, so a crash (kill -9) loses no
        // charge; by default H2 writes committed transactions up to 500 ms later.
        dataSource.setJdbcUrl("jdbc:h2:file:" + file + ";DB_CLOSE_ON_EXIT=FALSE;AUTO_RECONNECT=FALSE;WRITE_DELAY=0");
        dataSource.setUsername("sa");
        dataSource.setPassword("");
        dataSource.setMaximumPoolSize(8);
        dataSource.setPoolName("vlm-db");
        return dataSource;
    }
}
