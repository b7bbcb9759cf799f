package dev.craft.service.e2e;

import dev.craft.service.testsupport.ServiceFixture;
import dev.craft.service.testsupport.VlmHttp;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Closed-loop load: {@code clients} threads send binary predicts back to back for a fixed time. */
final class LoadTestSupport {

    private LoadTestSupport() {
    }

    /** What the clients saw. */
    record Outcome(int ok, int overloaded, int other, long queriesAnswered, List<Double> latenciesMs, double seconds,
                   List<Integer> unexpectedStatuses, boolean everyOverloadHadRetryAfter) {

        double percentile(double p) {
            List<Double> sorted = new ArrayList<>(latenciesMs);
            Collections.sort(sorted);
            return sorted.isEmpty() ? Double.NaN : sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
        }

        String summary(String label) {
            return String.format(Locale.ROOT, "%s: %d requests answered (%d queries) in %.1f s = %.1f requests/s, "
                            + "%.1f queries/s; %d refused 503; latency p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms",
                    label, ok, queriesAnswered, seconds, ok / seconds, queriesAnswered / seconds, overloaded,
                    percentile(0.5), percentile(0.9), percentile(0.99), percentile(1.0));
        }
    }

    static Outcome run(VlmHttp http, String datasetId, String classSetId, int clients, int promptsPerRequest,
                       Duration duration) throws Exception {
        float[][] prompts = ServiceFixture.prompts(promptsPerRequest, 4 * 32, 17, 0.3f);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long end = System.nanoTime() + duration.toNanos();
        long start = System.nanoTime();
        List<Future<List<Object[]>>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            futures.add(pool.submit(() -> {
                List<Object[]> seen = new ArrayList<>();
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    HttpResponse<byte[]> response = ServiceFixture.predictBinary(http, datasetId, classSetId, prompts, null);
                    seen.add(new Object[] {response.statusCode(), (System.nanoTime() - t0) / 1e6,
                            response.headers().firstValue("Retry-After").isPresent()});
                    if (response.statusCode() == 503) {
                        Thread.sleep(20);
                    }
                }
                return seen;
            }));
        }
        int ok = 0;
        int overloaded = 0;
        int other = 0;
        boolean retryAfter = true;
        List<Double> latencies = new ArrayList<>();
        List<Integer> unexpected = new ArrayList<>();
        for (Future<List<Object[]>> future : futures) {
            for (Object[] call : future.get()) {
                int status = (int) call[0];
                if (status == 200) {
                    ok++;
                    latencies.add((double) call[1]);
                } else if (status == 503) {
                    overloaded++;
                    retryAfter &= (boolean) call[2];
                } else {
                    other++;
                    unexpected.add(status);
                }
            }
        }
        pool.shutdown();
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Outcome(ok, overloaded, other, (long) ok * promptsPerRequest, latencies, seconds, unexpected, retryAfter);
    }
}
