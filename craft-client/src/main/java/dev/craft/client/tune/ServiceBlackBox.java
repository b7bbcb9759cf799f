package dev.craft.client.tune;

import dev.craft.client.service.PredictResult;
import dev.craft.client.service.VlmClient;

/** The black box as the service answers it, for one class set: every step's prompts in one binary request. */
final class ServiceBlackBox implements BlackBox {

    private final VlmClient client;
    private final String classSetId;
    private final int promptSize;
    private final RequestStats stats;

    ServiceBlackBox(VlmClient client, String classSetId, int promptSize, RequestStats stats) {
        this.client = client;
        this.classSetId = classSetId;
        this.promptSize = promptSize;
        this.stats = stats;
    }

    @Override
    public Answer predict(String datasetId, float[] prompts, int count, String idempotencyKey) {
        PredictResult result = client.predict(datasetId, classSetId, prompts, count, promptSize, null, idempotencyKey);
        stats.record(count);
        return new Answer(result.logits().data(), charged(result));
    }

    static long charged(PredictResult result) {
        if (result.queriesCharged() < 0) {
            throw new TuneException("the service did not report the queries it charged; cannot keep the budget");
        }
        return result.queriesCharged();
    }
}
