package dev.craft.service.metering;

import dev.craft.service.VlmProperties;
import dev.craft.service.support.Ids;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;

/**
 * Quota reservations in flight (table quota_reservation), seen from this replica: the rows it inserts carry its
 * {@link ReplicaId} and expire {@code vlm.metering.reservation-timeout} after they were last renewed.
 */
@Repository
public class ReservationStore {

    private static final RowMapper<HeldReservation> ROWS =
            (rs, row) -> new HeldReservation(rs.getString(1), rs.getString(2), rs.getLong(3));

    private final JdbcClient jdbc;
    private final ReplicaId replica;
    private final Clock clock;
    private final Duration timeout;

    public ReservationStore(JdbcClient jdbc, ReplicaId replica, Clock clock, VlmProperties properties) {
        this.jdbc = jdbc;
        this.replica = replica;
        this.clock = clock;
        this.timeout = properties.metering().reservationTimeout();
    }

    HeldReservation insert(String tenant, long queries) {
        HeldReservation held = new HeldReservation(Ids.next("rsv"), tenant, queries);
        jdbc.sql("INSERT INTO quota_reservation (id, tenant, queries, replica, expires_at) VALUES (?, ?, ?, ?, ?)")
                .params(held.id(), tenant, queries, replica.value(), expiry())
                .update();
        return held;
    }

    /** True when this call deleted the row; false when it was gone already (settled, or released as expired). */
    boolean delete(String id) {
        return jdbc.sql("DELETE FROM quota_reservation WHERE id = ?").param(id).update() == 1;
    }

    /** Pushes the expiry of this replica's reservations {@code ids} one timeout ahead. */
    int renew(Collection<String> ids) {
        if (ids.isEmpty()) {
            return 0;
        }
        return jdbc.sql("UPDATE quota_reservation SET expires_at = :expires WHERE replica = :replica AND id IN (:ids)")
                .param("expires", expiry()).param("replica", replica.value()).param("ids", List.copyOf(ids))
                .update();
    }

    /** Reservations nobody renewed for the timeout, whichever replica made them. */
    List<HeldReservation> expired() {
        return jdbc.sql("SELECT id, tenant, queries FROM quota_reservation WHERE expires_at < ?")
                .param(now()).query(ROWS).list();
    }

    /** Reservations made by other processes, expired or not. */
    List<HeldReservation> ofOtherReplicas() {
        return jdbc.sql("SELECT id, tenant, queries FROM quota_reservation WHERE replica <> ?")
                .param(replica.value()).query(ROWS).list();
    }

    private OffsetDateTime expiry() {
        return now().plus(timeout);
    }

    private OffsetDateTime now() {
        return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    }
}
