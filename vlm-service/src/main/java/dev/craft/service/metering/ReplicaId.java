package dev.craft.service.metering;

import dev.craft.service.support.Ids;

/**
 * This process among the replicas that share a database: the tag of the quota reservations it holds. New at every
 * start, so a restarted replica never renews what its previous run left behind.
 */
public record ReplicaId(String value) {

    private static final int MAX_HOST_LENGTH = 30;

    /** The host name (the pod name in Kubernetes), for operators reading the table, and 128 random bits. */
    public static ReplicaId random() {
        String host = System.getenv("HOSTNAME");
        host = host == null || host.isBlank() ? "vlm" : host.strip();
        return new ReplicaId(Ids.next(host.length() > MAX_HOST_LENGTH ? host.substring(0, MAX_HOST_LENGTH) : host));
    }
}
