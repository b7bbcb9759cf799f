package dev.craft.client.tune;

import dev.craft.client.service.VlmClient;

import java.util.Locale;

/**
 * How the trainer's queries travel to the service. The learning is the same in both modes (the same
 * prompts, the same logits); only the number and format of the requests differ.
 */
public enum QueryMode {

    /**
     * Production: a step's P prompts in one request, binary tensors both ways; in parts when P x classes would make
     * one request encode more than {@link ServiceBlackBox#MAX_TEXT_SEQUENCES_PER_REQUEST} texts.
     */
    BATCHED,

    /**
     * Benchmark only: one request per prompt, JSON both ways, which is how the paper's reference code
     * evaluates its candidates (one model call per candidate). craft bench-perf times it against BATCHED.
     */
    PER_PROMPT_JSON;

    /** The command-line spelling: {@code batched}, {@code per-prompt-json}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static QueryMode parse(String text) {
        for (QueryMode mode : values()) {
            if (mode.id().equalsIgnoreCase(text.trim())) {
                return mode;
            }
        }
        throw new IllegalArgumentException("--query-mode '" + text + "' is not one of batched, per-prompt-json");
    }

    BlackBox open(VlmClient client, String classSetId, int promptSize, int classCount, RequestStats stats) {
        return new ServiceBlackBox(client, classSetId, promptSize, classCount, stats, this);
    }
}
