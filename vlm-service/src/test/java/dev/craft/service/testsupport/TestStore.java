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
        return open(tempDir, "");
    }

    /**
     * As {@link #open}, but an H2 file commits as the service's embedded database does (WRITE_DELAY=0: a commit
     * reaches the file before it returns, where H2's default writes it up to 500 ms later), for timing commits.
     * PostgreSQL's durability is the cluster's (scripts/test-postgres.sh, VLM_TEST_POSTGRES_DURABLE).
     */
    public MigratedDatabase openCommittingAsTheService(Path tempDir) {
        return open(tempDir, ";WRITE_DELAY=0");
    }

    private MigratedDatabase open(Path tempDir, String h2Options) {
        PostgresTestDatabase postgres = this == POSTGRES ? PostgresTestDatabase.create() : null;
        HikariDataSource dataSource = postgres != null ? postgres.dataSource() : h2(tempDir, h2Options);
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration/" + vendor).load().migrate();
        return new MigratedDatabase(this, dataSource, postgres);
    }

    private static HikariDataSource h2(Path tempDir, String options) {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl("jdbc:h2:file:" + tempDir.toAbsolutePath().resolve("vlm") + ";DB_CLOSE_ON_EXIT=FALSE" + options);
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
