package dev.craft.client.refine;

/**
 * The PR loss of one epoch: L_PR = CE(r, y) + klWeight * [klEnabled] * KL(softmax(f) || softmax(r)).
 *
 * @param klWeight  beta_kl
 * @param klEnabled whether the consistency term is on; the caller decides
 *                  ({@code queries_used <= B / n} in CraFT)
 */
public record TrainLoss(double klWeight, boolean klEnabled) {

    public TrainLoss {
        if (!(klWeight >= 0) || !Double.isFinite(klWeight)) {
            throw new IllegalArgumentException("klWeight must be >= 0, got " + klWeight);
        }
    }

    /** Cross-entropy only (PR-only baseline, or after the KL term has been switched off). */
    public static TrainLoss crossEntropyOnly() {
        return new TrainLoss(0.0, false);
    }

    /** True when the KL term contributes to the loss. */
    public boolean klActive() {
        return klEnabled && klWeight > 0;
    }
}
