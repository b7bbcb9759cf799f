package dev.craft.client.tune;

import java.util.concurrent.atomic.AtomicLong;

/** Counts the predict requests a black box sent and the prompts (queries) in them. Thread-safe. */
public final class RequestStats {

    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong prompts = new AtomicLong();

    void record(int promptsInRequest) {
        requests.incrementAndGet();
        prompts.addAndGet(promptsInRequest);
    }

    public long requests() {
        return requests.get();
    }

    public long prompts() {
        return prompts.get();
    }
}
