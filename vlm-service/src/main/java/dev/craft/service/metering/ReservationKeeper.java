package dev.craft.service.metering;

import dev.craft.service.VlmProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps quota reservations honest across replicas. Every quarter of {@code vlm.metering.reservation-timeout} it
 * renews this replica's reservations in flight and releases any replica's reservations not renewed for the
 * timeout: their replica died (or lost the database for that long), and its requests will never settle them.
 */
@Component
public class ReservationKeeper implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ReservationKeeper.class);

    private final QuotaLedger ledger;
    private final ReservationStore reservations;
    private final long periodMillis;
    private final boolean sharedDatabase;
    private ScheduledExecutorService scheduler;

    public ReservationKeeper(QuotaLedger ledger, ReservationStore reservations, VlmProperties properties) {
        this.ledger = ledger;
        this.reservations = reservations;
        this.periodMillis = Math.max(1, properties.metering().reservationTimeout().toMillis() / 4);
        this.sharedDatabase = properties.usesPostgres();
    }

    /** Pushes the expiry of this replica's reservations in flight one timeout ahead; returns how many. */
    public int renew() {
        return reservations.renew(ledger.inFlight());
    }

    /** Releases the reservations that expired; returns how many this call released (another replica may race it). */
    public int sweep() {
        return releaseAll(reservations.expired());
    }

    private int releaseAll(List<HeldReservation> abandoned) {
        int released = 0;
        for (HeldReservation held : abandoned) {
            if (ledger.release(held)) {
                released++;
            }
        }
        return released;
    }

    private void keep() {
        try {
            renew();
            int released = sweep();
            if (released > 0) {
                log.warn("Released {} quota reservation(s) not renewed for vlm.metering.reservation-timeout;"
                        + " the replica holding them stopped", released);
            }
        } catch (RuntimeException e) {
            // The database may be back at the next run, well before a renewed reservation expires.
            log.warn("Could not renew or sweep quota reservations; trying again in {} ms", periodMillis, e);
        }
    }

    @Override
    public synchronized void start() {
        if (!sharedDatabase) {
            // Only one process at a time can open the H2 file: every reservation in it is an earlier run's.
            int released = releaseAll(reservations.ofOtherReplicas());
            if (released > 0) {
                log.info("Released {} quota reservation(s) left by a run that stopped during its requests", released);
            }
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "vlm-reservation-keeper");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::keep, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }

    /** Starts before and stops after the web server, so requests draining at shutdown keep their reservations. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }
}
