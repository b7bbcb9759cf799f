package dev.craft.service.classset;

import java.time.Instant;
import java.util.List;

/** A class set as persisted. */
record StoredClassSet(String id, String tenant, String template, List<String> classNames, Instant createdAt) {
}
