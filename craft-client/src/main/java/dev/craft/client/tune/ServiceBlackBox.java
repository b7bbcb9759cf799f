package dev.craft.client.tune;

import dev.craft.client.service.PredictResult;
import dev.craft.client.service.VlmClient;

import java.util.Arrays;

/**
 * The black box as the service answers it, for one class set, queried in one of two {@link QueryMode}s:
 * <ul>
 *   <li>{@link QueryMode#BATCHED} (production): every step's prompts in one binary request;</li>
 *   <li>{@link QueryMode#PER_PROMPT_JSON} (benchmark): one request per candidate prompt, JSON both ways,
 *       the way the paper's reference code queries its model. The logits are the same as in one batched
 *       request, only the transport differs.</li>
 * </ul>
 *
 * <p>Per prompt, each request carries the step's idempotency key plus {@code /p<i>}, so a resumed step is
 * replayed free of charge prompt by prompt. A step is reported as charged in full, or as a replay (0) when
 * every one of its prompts was a replay.
 */
final class ServiceBlackBox implements BlackBox {

    private final VlmClient client;
    private final String classSetId;
    private final int promptSize;
    private final RequestStats stats;
    private final QueryMode mode;

    ServiceBlackBox(VlmClient client, String classSetId, int promptSize, RequestStats stats, QueryMode mode) {
        this.client = client;
        this.classSetId = classSetId;
        this.promptSize = promptSize;
        this.stats = stats;
        this.mode = mode;
    }

    @Override
    public Answer predict(String datasetId, float[] prompts, int count, String idempotencyKey) {
        return switch (mode) {
            case BATCHED -> batched(datasetId, prompts, count, idempotencyKey);
            case PER_PROMPT_JSON -> perPromptJson(datasetId, prompts, count, idempotencyKey);
        };
    }

    private Answer batched(String datasetId, float[] prompts, int count, String idempotencyKey) {
        PredictResult result = client.predict(datasetId, classSetId, prompts, count, promptSize, null, idempotencyKey);
        stats.record(count);
        return new Answer(result.logits().data(), charged(result));
    }

    private Answer perPromptJson(String datasetId, float[] prompts, int count, String idempotencyKey) {
        float[] logits = null;
        int per = 0;
        long charged = 0;
        for (int i = 0; i < count; i++) {
            float[][] one = {Arrays.copyOfRange(prompts, i * promptSize, (i + 1) * promptSize)};
            String key = count == 1 ? idempotencyKey : idempotencyKey + "/p" + i;
            PredictResult result = client.predictJson(datasetId, classSetId, one, null, key);
            stats.record(1);
            long c = charged(result);
            if (c > 1) {
                throw new TuneException("the service charged " + c + " queries for 1 prompt; stopping because the "
                        + "client's query count no longer matches the service's");
            }
            charged += c;
            float[] part = result.logits().data();
            if (logits == null) {
                per = part.length;
                logits = new float[per * count];
            } else if (part.length != per) {
                throw new TuneException("the service answered prompts of one step with logits of different sizes");
            }
            System.arraycopy(part, 0, logits, i * per, per);
        }
        // Some prompts replayed and some charged only happens when a resumed step had been cut off
        // half-way; every prompt of it has then been charged exactly once.
        return new Answer(logits, charged == 0 ? 0 : count);
    }

    private static long charged(PredictResult result) {
        if (result.queriesCharged() < 0) {
            throw new TuneException("the service did not report the queries it charged; cannot keep the budget");
        }
        return result.queriesCharged();
    }
}
