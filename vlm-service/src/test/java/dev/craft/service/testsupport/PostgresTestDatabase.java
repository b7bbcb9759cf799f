package dev.craft.service.testsupport;

import com.zaxxer.hikari.HikariDataSource;
import dev.craft.service.support.Ids;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fresh, empty database on the throwaway PostgreSQL cluster whose superuser URL is in
 * {@value #URL_VARIABLE} (scripts/test-postgres.sh starts one and prints it). Without the variable the test
 * fails: these tests never skip.
 */
public final class PostgresTestDatabase implements AutoCloseable {

    public static final String URL_VARIABLE = "VLM_TEST_POSTGRES_URL";

    private static final Pattern JDBC_URL = Pattern.compile("(jdbc:postgresql://[^/?]+)/?([^?]*)(\\?.*)?");

    private final String adminUrl;
    private final String name;
    private final String url;

    private PostgresTestDatabase(String adminUrl, String name, String url) {
        this.adminUrl = adminUrl;
        this.name = name;
        this.url = url;
    }

    public static PostgresTestDatabase create() {
        String adminUrl = System.getenv(URL_VARIABLE);
        if (adminUrl == null || adminUrl.isBlank()) {
            throw new IllegalStateException(URL_VARIABLE + " is not set: start a throwaway PostgreSQL with"
                    + " scripts/test-postgres.sh and export the URL it prints (these tests never skip)");
        }
        Matcher parts = JDBC_URL.matcher(adminUrl.strip());
        if (!parts.matches()) {
            throw new IllegalStateException(URL_VARIABLE + " must look like jdbc:postgresql://HOST:PORT/postgres?user=postgres,"
                    + " not " + adminUrl);
        }
        String name = Ids.next("vlm_test").toLowerCase();
        execute(adminUrl, "CREATE DATABASE " + name);
        return new PostgresTestDatabase(adminUrl, name, parts.group(1) + "/" + name + (parts.group(3) == null ? "" : parts.group(3)));
    }

    /** The new database's URL, credentials included, for spring.datasource.url. */
    public String url() {
        return url;
    }

    /** A pool on the new database; the caller closes it. */
    public HikariDataSource dataSource() {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(url);
        dataSource.setMaximumPoolSize(10);
        return dataSource;
    }

    @Override
    public void close() {
        execute(adminUrl, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private static void execute(String adminUrl, String sql) {
        try (Connection connection = DriverManager.getConnection(adminUrl); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run '" + sql + "' on the PostgreSQL of " + URL_VARIABLE, e);
        }
    }
}
