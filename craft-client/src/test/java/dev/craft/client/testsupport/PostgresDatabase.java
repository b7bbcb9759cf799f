package dev.craft.client.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * An empty database of its own on the throwaway PostgreSQL cluster whose superuser JDBC URL is in
 * {@code VLM_TEST_POSTGRES_URL} (scripts/test-postgres.sh starts the cluster and prints it; scripts/test.sh exports it).
 * Without the variable the test fails: the two-replica tests never skip.
 */
public final class PostgresDatabase implements AutoCloseable {

    private static final String VARIABLE = "VLM_TEST_POSTGRES_URL";
    private static final String ADMIN_DATABASE = "/postgres?";

    private final String adminUrl;
    private final String name;

    private PostgresDatabase(String adminUrl, String name) {
        this.adminUrl = adminUrl;
        this.name = name;
    }

    public static PostgresDatabase create() {
        String adminUrl = System.getenv(VARIABLE);
        if (adminUrl == null || !adminUrl.contains(ADMIN_DATABASE)) {
            throw new IllegalStateException(VARIABLE + " must hold jdbc:postgresql://HOST:PORT/postgres?user=postgres, got "
                    + adminUrl + ": run `export " + VARIABLE + "=$(bash scripts/test-postgres.sh start)` first");
        }
        String name = "craft_e2e_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        run(adminUrl, "CREATE DATABASE " + name);
        return new PostgresDatabase(adminUrl, name);
    }

    /** The JDBC URL of this database, credentials included: the replicas' spring.datasource.url. */
    public String url() {
        return adminUrl.replace(ADMIN_DATABASE, "/" + name + "?");
    }

    /** The one number a query on this database answers, such as a sum over the ledger (0 for SQL NULL). */
    public long number(String sql, Object... parameters) {
        try (Connection connection = DriverManager.getConnection(url());
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet result = statement.executeQuery()) {
                if (!result.next()) {
                    throw new IllegalStateException("'" + sql + "' answered no row");
                }
                return result.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL refused '" + sql + "'", e);
        }
    }

    /**
     * Holds back every charge until closed: an EXCLUSIVE lock on the ledger table query_charge in a transaction of
     * its own, so that reads go on while a replica's charge waits at its ledger row, its quota reservation still held.
     */
    public LedgerLock lockLedger() {
        try {
            Connection connection = DriverManager.getConnection(url());
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("LOCK TABLE query_charge IN EXCLUSIVE MODE");
            }
            return new LedgerLock(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL refused to lock query_charge", e);
        }
    }

    /** The lock of {@link #lockLedger()}: closing it ends its transaction, and the waiting charges go on. */
    public record LedgerLock(Connection connection) implements AutoCloseable {
        @Override
        public void close() throws SQLException {
            try (connection) {
                connection.rollback();
            }
        }
    }

    @Override
    public void close() {
        run(adminUrl, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private static void run(String url, String sql) {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL refused '" + sql + "'", e);
        }
    }
}
