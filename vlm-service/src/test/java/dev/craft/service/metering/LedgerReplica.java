package dev.craft.service.metering;

import dev.craft.service.VlmProperties;
import dev.craft.service.auth.Tenant;
import dev.craft.service.auth.TenantDirectory;
import dev.craft.service.testsupport.TestStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What one replica of the service holds of the metering, wired as the application wires it, on a database other
 * replicas share: its own ledger, keeper, replica id and meters. Public for the replica benchmark's ledger phase.
 */
public record LedgerReplica(QuotaLedger ledger, ReservationKeeper keeper, MeterRegistry registry) {

    public static LedgerReplica start(TestStore store, DataSource database, String name, Clock clock, Duration timeout,
                               List<Tenant> tenants) {
        String apiKeys = tenants.stream().map(t -> t.name() + ":key-of-" + t.name() + ":" + t.quota())
                .collect(Collectors.joining(","));
        VlmProperties properties = new VlmProperties(null, apiKeys, null, null, null, null, null, store.property(),
                new VlmProperties.Metering(timeout));
        JdbcClient jdbc = JdbcClient.create(database);
        ReservationStore reservations = new ReservationStore(jdbc, new ReplicaId(name), clock, properties);
        MeterRegistry registry = new SimpleMeterRegistry();
        QuotaLedger ledger = new QuotaLedger(new TenantUsageStore(jdbc), reservations, new ChargeStore(jdbc, clock),
                new JdbcTransactionManager(database), new TenantDirectory(properties), registry);
        return new LedgerReplica(ledger, new ReservationKeeper(ledger, reservations, properties), registry);
    }

    double gauge(String name, Tenant tenant) {
        return registry.get(name).tag("tenant", tenant.name()).gauge().value();
    }

    double chargedCounter(Tenant tenant) {
        var counter = registry.find("vlm.queries").tag("tenant", tenant.name()).counter();
        return counter == null ? 0 : counter.count();
    }
}
