package dev.craft.service.metering;

import dev.craft.service.auth.Tenant;

/** In-memory view of one tenant's usage: charged (persisted) plus reserved (in flight). */
final class TenantAccount {

    private final Tenant tenant;
    private long charged;
    private long reserved;

    TenantAccount(Tenant tenant, long charged) {
        this.tenant = tenant;
        this.charged = charged;
    }

    Tenant tenant() {
        return tenant;
    }

    synchronized boolean tryReserve(long queries) {
        if (charged + reserved + queries > tenant.quota()) {
            return false;
        }
        reserved += queries;
        return true;
    }

    synchronized long commit(long queries) {
        reserved -= queries;
        charged += queries;
        return charged;
    }

    synchronized void release(long queries) {
        reserved -= queries;
    }

    synchronized long charged() {
        return charged;
    }

    synchronized long remaining() {
        return Math.max(0, tenant.quota() - charged);
    }
}
