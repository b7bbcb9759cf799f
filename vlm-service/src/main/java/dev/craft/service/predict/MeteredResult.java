package dev.craft.service.predict;

import dev.craft.api.LogitsResponse;
import dev.craft.service.metering.Charge;

/** Logits and what they cost. */
record MeteredResult(LogitsResponse logits, Charge charge, boolean replay) {
}
