package dev.craft.service.metering;

/** A row of quota_reservation: queries of a tenant held by a request in flight. */
record HeldReservation(String id, String tenant, long queries) {
}
