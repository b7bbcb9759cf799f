package dev.craft.client.tune;

import dev.craft.client.service.PredictResult;
import dev.craft.client.service.VlmClient;

import java.util.Arrays;

/**
 * The black box as the service answers it, for one class set, queried in one of two {@link QueryMode}s:
 * <ul>
 *   <li>{@link QueryMode#BATCHED} (production): a step's prompts in binary requests of as many prompts as keep a
 *       request's text encodings (prompts x classes) within {@link #MAX_TEXT_SEQUENCES_PER_REQUEST}, so one request
 *       for a step of 40 prompts on up to 102 classes;</li>
 *   <li>{@link QueryMode#PER_PROMPT_JSON} (benchmark): one request per candidate prompt, JSON both ways,
 *       the way the paper's reference code queries its model. The logits are the same as in one batched
 *       request, only the transport differs.</li>
 * </ul>
 *
 * <p>A step sent as one request carries the step's idempotency key. Sent in parts, each part carries the key plus
 * {@code /p<first>} (one prompt) or {@code /p<first>-<last>}, so a resumed step is replayed free of charge part by
 * part. A step is reported as charged in full, or as a replay (0) when every one of its parts was a replay.
 */
final class ServiceBlackBox implements BlackBox {

    /**
     * The service encodes every prompt with every class name, so a request's time grows with prompts x classes: on
     * 1,000 classes one request for a step of 40 prompts (40,000 text encodings) took about 5 minutes on a 2-core
     * CPU, the client's request timeout, and each retry started it again. A part of at most this many encodings
     * took about 41 s there.
     */
    static final int MAX_TEXT_SEQUENCES_PER_REQUEST = 4096;

    private final VlmClient client;
    private final String classSetId;
    private final int promptSize;
    private final RequestStats stats;
    private final QueryMode mode;
    private final int promptsPerRequest;

    ServiceBlackBox(VlmClient client, String classSetId, int promptSize, int classCount, RequestStats stats,
                    QueryMode mode) {
        this(client, classSetId, promptSize, stats, mode,
                mode == QueryMode.BATCHED ? Math.max(1, MAX_TEXT_SEQUENCES_PER_REQUEST / classCount) : 1);
    }

    /** @param promptsPerRequest the most prompts one request carries */
    ServiceBlackBox(VlmClient client, String classSetId, int promptSize, RequestStats stats, QueryMode mode,
                    int promptsPerRequest) {
        if (promptsPerRequest < 1) {
            throw new IllegalArgumentException("promptsPerRequest must be at least 1, got " + promptsPerRequest);
        }
        this.client = client;
        this.classSetId = classSetId;
        this.promptSize = promptSize;
        this.stats = stats;
        this.mode = mode;
        this.promptsPerRequest = promptsPerRequest;
    }

    @Override
    public Answer predict(String datasetId, float[] prompts, int count, String idempotencyKey) {
        float[] logits = null;
        int perPrompt = 0;
        long charged = 0;
        for (int first = 0; first < count; first += promptsPerRequest) {
            int n = Math.min(promptsPerRequest, count - first);
            String key = n == count ? idempotencyKey : partKey(idempotencyKey, first, n);
            float[] part = n == count ? prompts
                    : Arrays.copyOfRange(prompts, first * promptSize, (first + n) * promptSize);
            PredictResult result = send(datasetId, part, n, key);
            stats.record(n);
            long c = charged(result);
            if (c > n) {
                throw new TuneException("the service charged " + c + " queries for " + n + " prompts; stopping because"
                        + " the client's query count no longer matches the service's");
            }
            charged += c;
            float[] answer = result.logits().data();
            if (logits == null) {
                perPrompt = answer.length / n;
                logits = n == count ? answer : new float[perPrompt * count];
            } else if (answer.length != perPrompt * n) {
                throw new TuneException("the service answered prompts of one step with logits of different sizes");
            }
            if (answer != logits) {
                System.arraycopy(answer, 0, logits, first * perPrompt, answer.length);
            }
        }
        // Some parts replayed and some charged only happens when a resumed step had been cut off
        // half-way; every prompt of it has then been charged exactly once.
        return new Answer(logits, charged == 0 ? 0 : count);
    }

    private PredictResult send(String datasetId, float[] prompts, int count, String key) {
        return switch (mode) {
            case BATCHED -> client.predict(datasetId, classSetId, prompts, count, promptSize, null, key);
            case PER_PROMPT_JSON -> client.predictJson(datasetId, classSetId, rows(prompts, count), null, key);
        };
    }

    private float[][] rows(float[] prompts, int count) {
        float[][] rows = new float[count][];
        for (int i = 0; i < count; i++) {
            rows[i] = Arrays.copyOfRange(prompts, i * promptSize, (i + 1) * promptSize);
        }
        return rows;
    }

    private static String partKey(String key, int first, int count) {
        return count == 1 ? key + "/p" + first : key + "/p" + first + "-" + (first + count - 1);
    }

    private static long charged(PredictResult result) {
        if (result.queriesCharged() < 0) {
            throw new TuneException("the service did not report the queries it charged; cannot keep the budget");
        }
        return result.queriesCharged();
    }
}
