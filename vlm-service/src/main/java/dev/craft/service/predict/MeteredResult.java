package dev.craft.service.predict;

import dev.craft.service.metering.Charge;

/** Logits and what they cost. */
record MeteredResult(ComputedLogits logits, Charge charge, boolean replay) {
}
