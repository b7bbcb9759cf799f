package dev.craft.client.tune;

/** What the trainer may ask of the served model: logits for prompt offsets, nothing else. */
public interface BlackBox {

    /**
     * Logits [P, N, K] of P prompt offsets on a stored image set.
     *
     * @param prompts        P offsets of L*d values each, one after another
     * @param idempotencyKey a key that identifies this logical request: repeating it (a retry, or a
     *                       resumed run redoing an interrupted round) is answered without a new charge
     * @return the answer and what it cost
     */
    Answer predict(String datasetId, float[] prompts, int count, String idempotencyKey);

    /**
     * @param logits  [P, N, K]
     * @param charged queries the service charged for this call (0 when it replayed an earlier answer)
     */
    record Answer(float[] logits, long charged) {
    }
}
