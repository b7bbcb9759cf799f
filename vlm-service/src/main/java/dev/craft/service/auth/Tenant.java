package dev.craft.service.auth;

/**
 * A customer of the service.
 *
 * @param name  tenant name, safe to log and to use as a metric tag
 * @param quota the most queries it may be charged in total
 */
public record Tenant(String name, long quota) {
}
