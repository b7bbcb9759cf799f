package dev.craft.service.metering;

import dev.craft.api.ProblemTypes;
import dev.craft.service.auth.Tenant;
import dev.craft.service.problem.ApiException;
import dev.craft.service.testsupport.MutableClock;
import dev.craft.service.testsupport.TestStore;
import dev.craft.service.testsupport.TestStore.MigratedDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The quota across replicas, on the embedded H2 and on a real PostgreSQL: several {@link LedgerReplica}s, each
 * wired as one service process wires its metering, share one database. Every test uses tenants of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharedQuotaLedgerTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final AtomicInteger TENANTS = new AtomicInteger();

    @TempDir
    Path h2Dir;

    private final Map<TestStore, MigratedDatabase> databases = new EnumMap<>(TestStore.class);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T12:00:00Z"));

    /** Sweeps count every expired reservation in the database: none is left from an earlier test. */
    @BeforeEach
    void noReservationInFlight() {
        databases.values().forEach(d -> JdbcClient.create(d.dataSource()).sql("DELETE FROM quota_reservation").update());
    }

    @AfterAll
    void closeDatabases() {
        databases.values().forEach(MigratedDatabase::close);
    }

    @ParameterizedTest
    @EnumSource(TestStore.class)
    void concurrentReservationsNeverOverrunASmallQuota(TestStore store) throws Exception {
        Tenant tenant = newTenant(40);
        LedgerReplica replica = replica(store, "only", tenant);

        long charged = hammer(tenant, List.of(replica));

        assertLedgerAddsUp(store, tenant, charged);
        assertThat(replica.chargedCounter(tenant)).isEqualTo(charged);
        assertQuotaIsExactlyFree(replica, tenant);
    }

    @ParameterizedTest
    @EnumSource(TestStore.class)
    void twoReplicasNeverOverrunTheQuotaTogether(TestStore store) throws Exception {
        Tenant tenant = newTenant(40);
        LedgerReplica a = replica(store, "replica-a", tenant);
        LedgerReplica b = replica(store, "replica-b", tenant);

        long charged = hammer(tenant, List.of(a, b));

        assertLedgerAddsUp(store, tenant, charged);
        assertThat(a.chargedCounter(tenant)).isPositive();
        assertThat(b.chargedCounter(tenant)).isPositive();
        assertThat(a.chargedCounter(tenant) + b.chargedCounter(tenant)).isEqualTo(charged);
        for (LedgerReplica replica : List.of(a, b)) {
            assertThat(replica.gauge("vlm.usage.queries", tenant)).isEqualTo(charged);
            assertThat(replica.gauge("vlm.quota.remaining", tenant)).isEqualTo(tenant.quota() - charged);
        }
        assertQuotaIsExactlyFree(a, tenant);
    }

    @ParameterizedTest
    @EnumSource(TestStore.class)
    void anIdempotencyKeyChargedOnOneReplicaIsAReplayOnTheOther(TestStore store) {
        Tenant tenant = newTenant(100);
        LedgerReplica a = replica(store, "replica-a", tenant);
        LedgerReplica b = replica(store, "replica-b", tenant);

        Charge first;
        try (Reservation reservation = a.ledger().reserve(tenant, "predict", 5)) {
            first = reservation.commit("retry-1", "digest-1");
        }
        assertThat(b.ledger().priorCharge(tenant, "retry-1"))
                .contains(new QuotaLedger.PriorCharge("predict", 5, "digest-1"));
        Charge retry;
        try (Reservation reservation = b.ledger().reserve(tenant, "predict", 5)) {
            retry = reservation.commit("retry-1", "digest-1");
        }

        assertThat(first).isEqualTo(new Charge(5, 5, 95));
        assertThat(retry).isEqualTo(new Charge(0, 5, 95));
        assertThat(usage(store, tenant)).isEqualTo(new Totals(5, 0));
        assertThat(ledgerSum(store, tenant)).isEqualTo(5);
        assertThat(a.chargedCounter(tenant)).isEqualTo(5);
        assertThat(b.chargedCounter(tenant)).isZero();
        assertThat(b.gauge("vlm.usage.queries", tenant)).isEqualTo(5);
        assertThat(b.gauge("vlm.quota.limit", tenant)).isEqualTo(100);
    }

    @ParameterizedTest
    @EnumSource(TestStore.class)
    void reservationsOfADeadReplicaAreReleasedAfterTheTimeout(TestStore store) {
        Tenant tenant = newTenant(40);
        LedgerReplica dead = replica(store, "replica-dead", tenant);
        LedgerReplica live = replica(store, "replica-live", tenant);
        LedgerReplica sweeper = replica(store, "replica-sweeper", tenant);

        Reservation lost = dead.ledger().reserve(tenant, "predict", 30);
        try (Reservation running = live.ledger().reserve(tenant, "predict", 5)) {
            assertQuotaExhausted(() -> sweeper.ledger().reserve(tenant, "predict", 20));

            clock.advance(TIMEOUT.dividedBy(2));
            live.keeper().renew();
            assertThat(sweeper.keeper().sweep()).isZero();

            clock.advance(TIMEOUT.dividedBy(2).plusSeconds(1));
            live.keeper().renew();
            assertThat(sweeper.keeper().sweep()).isEqualTo(1);
            assertThat(usage(store, tenant)).isEqualTo(new Totals(0, 5));

            try (Reservation freed = sweeper.ledger().reserve(tenant, "predict", 35)) {
                assertThat(freed.commit(null, "digest").queries()).isEqualTo(35);
            }
        }
        lost.close();
        assertThat(usage(store, tenant)).isEqualTo(new Totals(35, 0));
    }

    @ParameterizedTest
    @EnumSource(TestStore.class)
    void twoReplicasSweepingAtOnceReleaseEachReservationOnce(TestStore store) throws Exception {
        Tenant tenant = newTenant(1000);
        LedgerReplica dead = replica(store, "replica-dead", tenant);
        LedgerReplica live = replica(store, "replica-live", tenant);
        List<Reservation> lost = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            lost.add(dead.ledger().reserve(tenant, "predict", 1));
        }
        try (Reservation running = live.ledger().reserve(tenant, "predict", 5)) {
            clock.advance(TIMEOUT.plusSeconds(1));
            live.keeper().renew();

            List<LedgerReplica> sweepers = List.of(replica(store, "sweeper-1", tenant), replica(store, "sweeper-2", tenant));
            CyclicBarrier together = new CyclicBarrier(sweepers.size());
            List<Integer> released = runConcurrently(sweepers.stream().<Callable<Integer>>map(s -> () -> {
                together.await();
                return s.keeper().sweep();
            }).toList());

            assertThat(released.get(0) + released.get(1)).isEqualTo(40);
            assertThat(usage(store, tenant)).isEqualTo(new Totals(0, 5));
        }
        lost.forEach(Reservation::close);
        assertThat(usage(store, tenant)).isEqualTo(new Totals(0, 0));
    }

    @ParameterizedTest
    @EnumSource(TestStore.class)
    void anAnswerWhoseReservationWasSweptIsChargedWhileTheQuotaCoversIt(TestStore store) {
        Tenant tenant = newTenant(15);
        LedgerReplica slow = replica(store, "replica-slow", tenant);
        LedgerReplica sweeper = replica(store, "replica-sweeper", tenant);

        try (Reservation reservation = slow.ledger().reserve(tenant, "predict", 10)) {
            clock.advance(TIMEOUT.plusSeconds(1));
            assertThat(sweeper.keeper().sweep()).isEqualTo(1);
            assertThat(reservation.commit("late", "digest")).isEqualTo(new Charge(10, 10, 5));
        }
        assertThat(usage(store, tenant)).isEqualTo(new Totals(10, 0));
        assertThat(ledgerSum(store, tenant)).isEqualTo(10);
    }

    @ParameterizedTest
    @EnumSource(TestStore.class)
    void anAnswerWhoseReservationWasSweptAndTakenIsRefusedAndNotCharged(TestStore store) {
        Tenant tenant = newTenant(15);
        LedgerReplica slow = replica(store, "replica-slow", tenant);
        LedgerReplica other = replica(store, "replica-other", tenant);

        try (Reservation reservation = slow.ledger().reserve(tenant, "predict", 10)) {
            clock.advance(TIMEOUT.plusSeconds(1));
            assertThat(other.keeper().sweep()).isEqualTo(1);
            try (Reservation taken = other.ledger().reserve(tenant, "predict", 10)) {
                assertThatThrownBy(() -> reservation.commit("late", "digest"))
                        .isInstanceOfSatisfying(ApiException.class, e -> {
                            assertThat(e.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
                            assertThat(e.type()).isEqualTo(ProblemTypes.RESERVATION_EXPIRED);
                            assertThat(e.getMessage()).contains("nothing was charged", "vlm.metering.reservation-timeout");
                        });
                assertThat(usage(store, tenant)).isEqualTo(new Totals(0, 10));
                taken.commit(null, "digest");
            }
        }
        assertThat(usage(store, tenant)).isEqualTo(new Totals(10, 0));
        assertThat(ledgerSum(store, tenant)).isEqualTo(10);
        assertThat(slow.chargedCounter(tenant)).isZero();
    }

    @ParameterizedTest
    @EnumSource(TestStore.class)
    void aStartOnH2ReleasesWhatTheStoppedRunHeldAtOnceButPostgresWaitsForTheTimeout(TestStore store) {
        Tenant tenant = newTenant(10);
        LedgerReplica stopped = replica(store, "run-before", tenant);
        stopped.ledger().reserve(tenant, "predict", 10);

        LedgerReplica restarted = replica(store, "run-after", tenant);
        restarted.keeper().start();
        try {
            assertThat(usage(store, tenant)).isEqualTo(new Totals(0, store == TestStore.H2 ? 0 : 10));
        } finally {
            restarted.keeper().stop();
        }
    }

    /** The keeper's own schedule, in real time: renewals keep a live replica's reservation, a dead one's goes. */
    @Test
    void theKeepersRenewAndSweepOnTheirOwn() throws Exception {
        Tenant tenant = newTenant(10);
        Duration timeout = Duration.ofSeconds(4);
        MigratedDatabase database = database(TestStore.POSTGRES);
        LedgerReplica a = LedgerReplica.start(TestStore.POSTGRES, database.dataSource(), "replica-a", Clock.systemUTC(),
                timeout, List.of(tenant));
        LedgerReplica b = LedgerReplica.start(TestStore.POSTGRES, database.dataSource(), "replica-b", Clock.systemUTC(),
                timeout, List.of(tenant));
        a.keeper().start();
        b.keeper().start();
        try {
            a.ledger().reserve(tenant, "predict", 10);
            Thread.sleep(timeout.plusSeconds(1).toMillis());
            assertThat(usage(TestStore.POSTGRES, tenant)).isEqualTo(new Totals(0, 10));

            a.keeper().stop();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (usage(TestStore.POSTGRES, tenant).reserved() != 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(usage(TestStore.POSTGRES, tenant)).isEqualTo(new Totals(0, 0));
        } finally {
            a.keeper().stop();
            b.keeper().stop();
        }
    }

    /**
     * Eight threads spread over the replicas reserve 1-3 queries at a time and then release them, charge them, or
     * charge them under a key that other threads reuse (so replays race with charges), far beyond the quota.
     *
     * @return the queries the ledger said it charged
     */
    private long hammer(Tenant tenant, List<LedgerReplica> replicas) throws Exception {
        AtomicLong charged = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<Void>> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            QuotaLedger ledger = replicas.get(t % replicas.size()).ledger();
            Random random = new Random(t);
            threads.add(() -> {
                start.await();
                for (int i = 0; i < 40; i++) {
                    int action = random.nextInt(4);
                    try (Reservation reservation = ledger.reserve(tenant, "predict", 1 + random.nextInt(3))) {
                        if (action > 0) {
                            String key = action == 1 ? "shared-" + random.nextInt(3) : null;
                            charged.addAndGet(reservation.commit(key, "digest").queries());
                        }
                    } catch (ApiException refused) {
                        assertThat(refused.status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
                    }
                }
                return null;
            });
        }
        start.countDown();
        runConcurrently(threads);
        return charged.get();
    }

    private void assertLedgerAddsUp(TestStore store, Tenant tenant, long charged) {
        assertThat(charged).isPositive().isLessThanOrEqualTo(tenant.quota());
        assertThat(ledgerSum(store, tenant)).isEqualTo(charged);
        assertThat(usage(store, tenant)).isEqualTo(new Totals(charged, 0));
    }

    /** Nothing is held any more: exactly the rest of the quota can be reserved, and not one query more. */
    private static void assertQuotaIsExactlyFree(LedgerReplica replica, Tenant tenant) {
        long rest = tenant.quota() - replica.ledger().usage(tenant).queries();
        List<Reservation> held = new ArrayList<>();
        if (rest > 0) {
            held.add(replica.ledger().reserve(tenant, "predict", rest));
        }
        assertQuotaExhausted(() -> replica.ledger().reserve(tenant, "predict", 1));
        held.forEach(Reservation::close);
    }

    private static void assertQuotaExhausted(Runnable reserve) {
        assertThatThrownBy(reserve::run).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
            assertThat(e.type()).isEqualTo(ProblemTypes.QUOTA_EXHAUSTED);
        });
    }

    private static <T> List<T> runConcurrently(List<? extends Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(task));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(2, TimeUnit.MINUTES));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private LedgerReplica replica(TestStore store, String name, Tenant tenant) {
        return LedgerReplica.start(store, database(store).dataSource(), name, clock, TIMEOUT, List.of(tenant));
    }

    /** The store's database, opened at its first use. */
    private MigratedDatabase database(TestStore store) {
        return databases.computeIfAbsent(store, s -> s.open(h2Dir));
    }

    private static Tenant newTenant(long quota) {
        return new Tenant("tenant-" + TENANTS.incrementAndGet(), quota);
    }

    private Totals usage(TestStore store, Tenant tenant) {
        return jdbc(store).sql("SELECT used, reserved FROM tenant_usage WHERE tenant = ?").param(tenant.name())
                .query((rs, row) -> new Totals(rs.getLong(1), rs.getLong(2))).single();
    }

    private long ledgerSum(TestStore store, Tenant tenant) {
        return jdbc(store).sql("SELECT COALESCE(SUM(queries), 0) FROM query_charge WHERE tenant = ?").param(tenant.name())
                .query(Long.class).single();
    }

    private JdbcClient jdbc(TestStore store) {
        return JdbcClient.create(databases.get(store).dataSource());
    }

    private record Totals(long used, long reserved) {
    }
}
