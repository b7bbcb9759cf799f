package dev.craft.client.testsupport;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Two processes of the service jar on one PostgreSQL database (vlm.store=postgres) and one shared features
 * directory, each with a data directory (and feature cache) of its own, behind a real nginx: compose's replicas
 * profile on one machine.
 */
public final class ReplicaPair implements AutoCloseable {

    /** The replicas' host names, replica-a and replica-b: the prefix of the quota reservations each one holds. */
    public static final String HOST_PREFIX = "replica-";

    private final PostgresDatabase database;
    private final List<ServiceProcess> replicas;
    private final NginxServer balancer;

    private ReplicaPair(PostgresDatabase database, List<ServiceProcess> replicas, NginxServer balancer) {
        this.database = database;
        this.replicas = replicas;
        this.balancer = balancer;
    }

    /** Starts both replicas on the embedded tiny bundle with the same {@code tenant:key:quota} entries, then nginx. */
    public static ReplicaPair start(Path dir, String apiKeys, String... extraArgs) throws IOException, InterruptedException {
        PostgresDatabase database = PostgresDatabase.create();
        List<ServiceProcess> replicas = new ArrayList<>();
        try {
            for (String name : List.of("a", "b")) {
                List<String> args = new ArrayList<>(List.of("--vlm.store=postgres", "--spring.datasource.url=" + database.url(),
                        "--vlm.storage.features-dir=" + dir.resolve("shared-features")));
                args.addAll(List.of(extraArgs));
                replicas.add(ServiceProcess.start(ServiceProcess.TINY, dir.resolve("data-" + name), apiKeys,
                        Map.of("HOSTNAME", HOST_PREFIX + name), args.toArray(String[]::new)));
            }
            NginxServer balancer = NginxServer.start(dir.resolve("nginx"), replicas.stream().map(ServiceProcess::url).toList());
            return new ReplicaPair(database, replicas, balancer);
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            replicas.forEach(ServiceProcess::close);
            database.close();
            throw e;
        }
    }

    public ServiceProcess a() {
        return replicas.get(0);
    }

    public ServiceProcess b() {
        return replicas.get(1);
    }

    public List<URI> replicaUrls() {
        return replicas.stream().map(ServiceProcess::url).toList();
    }

    public NginxServer balancer() {
        return balancer;
    }

    public PostgresDatabase database() {
        return database;
    }

    @Override
    public void close() {
        balancer.close();
        replicas.forEach(ServiceProcess::close);
        database.close();
    }
}
