package dev.craft.service.testsupport;

import com.zaxxer.hikari.HikariDataSource;
import dev.craft.service.VlmProperties;
import org.flywaydb.core.Flyway;

import java.nio.file.Path;

/** The two databases the service runs on (vlm.store), for tests that run against both. */
public enum TestStore {

    H2(VlmProperties.STORE_H2, "h2"),
    POSTGRES(VlmProperties.STORE_POSTGRES, "postgresql");

    private final String property;
    private final String vendor;

    TestStore(String property, String vendor) {
        this.property = property;
        this.vendor = vendor;
    }

    /** The value of vlm.store. */
    public String property() {
        return property;
    }

    /** A new, empty database of this kind with the service's migrations applied. */
    public MigratedDatabase open(Path tempDir) {
        PostgresTestDatabase postgres = this == POSTGRES ? PostgresTestDatabase.create() : null;
        HikariDataSource dataSource = postgres != null ? postgres.dataSource() : h2(tempDir);
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration/" + vendor).load().migrate();
        return new MigratedDatabase(this, dataSource, postgres);
    }

    private static HikariDataSource h2(Path tempDir) {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl("jdbc:h2:file:" + tempDir.toAbsolutePath().resolve("vlm") + ";DB_CLOSE_ON_EXIT=FALSE");
        dataSource.setUsername("sa");
        dataSource.setMaximumPoolSize(10);
        return dataSource;
    }

    /** A migrated database; closing it closes the pool and drops a PostgreSQL database. */
    public record MigratedDatabase(TestStore store, HikariDataSource dataSource, PostgresTestDatabase postgres)
            implements AutoCloseable {

        @Override
        public void close() {
            dataSource.close();
            if (postgres != null) {
                postgres.close();
            }
        }
    }
}
