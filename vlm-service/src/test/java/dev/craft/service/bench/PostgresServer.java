package dev.craft.service.bench;

import dev.craft.service.testsupport.PostgresTestDatabase;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The PostgreSQL cluster of {@value PostgresTestDatabase#URL_VARIABLE} as the benchmark reports it: its version, whether
 * commits are durable, and the CPU its processes use (it must run on this machine).
 *
 * @param postmasterPid the server's main process; every backend is its child
 */
record PostgresServer(String version, String fsync, String synchronousCommit, long postmasterPid) {

    static PostgresServer connect() {
        String url = System.getenv(PostgresTestDatabase.URL_VARIABLE);
        if (url == null || url.isBlank()) {
            throw new IllegalStateException(PostgresTestDatabase.URL_VARIABLE + " is not set: run the benchmark with "
                    + "scripts/bench-replicas.sh, which starts a durable throwaway PostgreSQL");
        }
        try (Connection connection = DriverManager.getConnection(url.strip());
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT current_setting('server_version'), current_setting('fsync'),"
                     + " current_setting('synchronous_commit'), pg_backend_pid()")) {
            row.next();
            long backend = row.getLong(4);
            return new PostgresServer(row.getString(1), row.getString(2), row.getString(3), ProcCpu.parentPid(backend));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach the PostgreSQL of " + PostgresTestDatabase.URL_VARIABLE, e);
        } catch (IOException e) {
            throw new IllegalStateException("the PostgreSQL of " + PostgresTestDatabase.URL_VARIABLE
                    + " must run on this machine (its CPU is read from /proc)", e);
        }
    }

    /** Whether a commit waits for its WAL to reach the disk, as in production. */
    boolean durable() {
        return fsync.equals("on") && !synchronousCommit.equals("off");
    }

    /** CPU milliseconds used so far by the server and its live backends. */
    double cpuMs() throws IOException {
        return ProcCpu.treeMs(postmasterPid);
    }
}
