package dev.craft.client.e2e;

import dev.craft.client.testsupport.PostgresDatabase;
import dev.craft.client.testsupport.ReplicaPair;
import dev.craft.client.testsupport.TinyDataset;
import dev.craft.client.testsupport.TuneRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tuning job through nginx over two replicas on PostgreSQL, one of which is killed with SIGKILL while it holds the
 * quota reservation of one of the job's requests, its answer not yet charged (the test holds the ledger's charges back
 * at that moment, so that the kill always lands there): the job completes through the other replica with the result
 * of an uninterrupted run, the ledger charged exactly the queries the job reports (none lost, none twice), and the
 * quota the dead replica had reserved is released by the survivor once vlm.metering.reservation-timeout has passed.
 */
class ReplicaFailoverTest {

    private static final int BUDGET = 1200;
    private static final int ROUNDS = BUDGET / 40;
    private static final String TENANT = "failover";
    private static final String HELD = "SELECT count(*) FROM quota_reservation WHERE tenant = ?";
    private static final String HELD_BY_A = HELD + " AND replica LIKE ?";

    @TempDir
    Path work;

    @Test
    void aJobSurvivesTheSigkillOfOneReplicaWithTheSameResultAndExactCharges() throws Exception {
        Path dataset = TinyDataset.create(work.resolve("dataset"), 3, 4, 3);
        try (ReplicaPair replicas = ReplicaPair.start(work, "straight:straight-key-01:100000," + TENANT + ":failover-key-01:100000",
                "--vlm.metering.reservation-timeout=4s")) {
            URI balancer = replicas.balancer().url();
            PostgresDatabase database = replicas.database();
            String replicaA = ReplicaPair.HOST_PREFIX + "a_%";
            Path straight = work.resolve("straight");
            Process uninterrupted = TuneRuns.startClientProcess(TuneRuns.tuneArgs(balancer, "straight-key-01", dataset, straight, BUDGET));
            assertThat(uninterrupted.waitFor(5, TimeUnit.MINUTES)).isTrue();
            assertThat(uninterrupted.exitValue()).isZero();

            Path failover = work.resolve("failover");
            Process client = TuneRuns.startClientProcess(TuneRuns.tuneArgs(balancer, "failover-key-01", dataset, failover, BUDGET));
            TuneRuns.waitForRounds(failover, 2, client);
            long heldAtDeath = killWhileItHoldsAReservation(replicas, database, replicaA);
            int roundsAtKill = TuneRuns.roundsDone(failover);
            assertThat(client.waitFor(5, TimeUnit.MINUTES)).as("the job ended").isTrue();

            assertThat(client.exitValue()).as("the job's exit status").isZero();
            assertThat(roundsAtKill).as("rounds done when replica A died").isLessThan(ROUNDS);
            assertThat(TuneRuns.roundsDone(failover)).isEqualTo(ROUNDS);
            TuneRuns.assertSameResult(failover, straight);
            long charged = database.number("SELECT sum(queries) FROM query_charge WHERE tenant = ?", TENANT);
            assertThat(charged).as("the ledger").isEqualTo(TuneRuns.reportedQueries(failover))
                    .isEqualTo(TuneRuns.reportedQueries(straight));
            assertThat(database.number("SELECT used FROM tenant_usage WHERE tenant = ?", TENANT)).isEqualTo(charged);

            String nginxErrors = replicas.balancer().errorLog();
            System.out.printf("failover: replica A killed after round %d of %d holding %d reservation(s); %d queries charged;"
                    + " nginx:%n%s", roundsAtKill, ROUNDS, heldAtDeath, charged, nginxErrors);
            assertThat(heldAtDeath).as("reservations replica A held when it died").isPositive();
            assertThat(nginxErrors).as("nginx saw replica A fail").contains(":" + replicas.a().url().getPort());
            awaitTrue(() -> database.number(HELD_BY_A, TENANT, replicaA) == 0, Duration.ofSeconds(30),
                    "replica A's reservations released");
            assertThat(database.number("SELECT reserved FROM tenant_usage WHERE tenant = ?", TENANT)).isZero();
            assertThat(replicas.b().log()).contains("Released " + heldAtDeath + " quota reservation");
        }
    }

    /**
     * Kills replica A (SIGKILL) at a moment it holds the quota reservation of one of the job's requests. The ledger is
     * locked so that no request can be charged, which leaves each one reserved until the lock ends; the test waits
     * for the job's next request and kills A if that request is A's, else lets it through to B and tries the next.
     *
     * @return the reservations A held when it died
     */
    private static long killWhileItHoldsAReservation(ReplicaPair replicas, PostgresDatabase database, String replicaA)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            try (PostgresDatabase.LedgerLock lock = database.lockLedger()) {
                awaitTrue(() -> database.number(HELD, TENANT) > 0, Duration.ofMinutes(1), "a request of the job reserved");
                long heldByA = database.number(HELD_BY_A, TENANT, replicaA);
                if (heldByA > 0) {
                    replicas.a().kill();
                    return heldByA;
                }
            }
        }
        throw new AssertionError("the job sent no request to replica A in 2 minutes");
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void awaitTrue(Condition condition, Duration timeout, String what) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what);
            }
            Thread.sleep(2);
        }
    }
}
