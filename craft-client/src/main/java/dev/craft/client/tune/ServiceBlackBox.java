package dev.craft.client.tune;

import dev.craft.client.service.PredictResult;
import dev.craft.client.service.VlmClient;

/** The black box as the service answers it, for one class set. */
final class ServiceBlackBox implements BlackBox {

    private final VlmClient client;
    private final String classSetId;
    private final int promptSize;

    ServiceBlackBox(VlmClient client, String classSetId, int promptSize) {
        this.client = client;
        this.classSetId = classSetId;
        this.promptSize = promptSize;
    }

    @Override
    public Answer predict(String datasetId, float[] prompts, int count, String idempotencyKey) {
        PredictResult result = client.predict(datasetId, classSetId, prompts, count, promptSize, null, idempotencyKey);
        if (result.queriesCharged() < 0) {
            throw new TuneException("the service did not report the queries it charged; cannot keep the budget");
        }
        return new Answer(result.logits().data(), result.queriesCharged());
    }
}
