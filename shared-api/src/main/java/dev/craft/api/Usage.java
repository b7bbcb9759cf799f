package dev.craft.api;

/** {@code GET /v1/usage}: queries charged to the caller's tenant. */
public record Usage(String tenant, long queries, long quota, long remaining) {
}
