package dev.craft.service.bench;

import dev.craft.service.testsupport.Prometheus;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service's own timers at one moment, from /actuator/prometheus: the {@code vlm.predict.duration} histogram of
 * /v1/predict (quota, computation and ledger; not reading the request or writing the answer), and how long its
 * requests held database connections ({@code hikaricp.connections.usage}, every statement of every request).
 *
 * @param buckets   cumulative count of predicts per bucket upper bound in seconds (+Inf included)
 * @param count     predicts timed so far
 * @param seconds   their total time
 * @param dbUses    database connections checked out so far
 * @param dbSeconds their total time held
 */
record ServerTimers(NavigableMap<Double, Double> buckets, double count, double seconds, double dbUses, double dbSeconds) {

    private static final String PREDICT = "endpoint=\"predict\"";
    private static final Pattern BUCKET = Pattern.compile(
            "^vlm_predict_duration_seconds_bucket\\{([^}]*)\\}\\s+(\\S+)$", Pattern.MULTILINE);
    private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");

    static ServerTimers read(ServiceProcess service) {
        String text = service.prometheus();
        NavigableMap<Double, Double> buckets = new TreeMap<>();
        Matcher line = BUCKET.matcher(text);
        while (line.find()) {
            Matcher le = LE.matcher(line.group(1));
            if (line.group(1).contains(PREDICT) && le.find()) {
                buckets.put(le.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le.group(1)),
                        Double.parseDouble(line.group(2)));
            }
        }
        return new ServerTimers(buckets,
                Prometheus.sample(text, "vlm_predict_duration_seconds_count", PREDICT),
                Prometheus.sample(text, "vlm_predict_duration_seconds_sum", PREDICT),
                Prometheus.sample(text, "hikaricp_connections_usage_seconds_count"),
                Prometheus.sample(text, "hikaricp_connections_usage_seconds_sum"));
    }

    /** What the service timed between {@code before} and this reading. */
    Summary since(ServerTimers before) {
        double requests = count - before.count;
        NavigableMap<Double, Double> delta = new TreeMap<>();
        buckets.forEach((le, n) -> delta.put(le, n - before.buckets.getOrDefault(le, 0.0)));
        return new Summary((long) requests, requests > 0 ? 1000 * (seconds - before.seconds) / requests : Double.NaN,
                quantileMs(delta, requests, 0.5), quantileMs(delta, requests, 0.99),
                requests > 0 ? 1000 * (dbSeconds - before.dbSeconds) / requests : Double.NaN,
                requests > 0 ? (dbUses - before.dbUses) / requests : Double.NaN);
    }

    /**
     * The quantile as Prometheus' histogram_quantile estimates it: linear within the bucket that holds it. The
     * buckets are Micrometer's (about 10-25 % wide here), so this is coarser than the client-side percentiles.
     */
    private static double quantileMs(NavigableMap<Double, Double> cumulative, double total, double q) {
        if (total <= 0 || cumulative.isEmpty()) {
            return Double.NaN;
        }
        double rank = q * total;
        double lower = 0;
        double below = 0;
        for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
            if (bucket.getValue() >= rank) {
                if (bucket.getKey().isInfinite()) {
                    return 1000 * lower;
                }
                double inBucket = bucket.getValue() - below;
                double fraction = inBucket > 0 ? (rank - below) / inBucket : 1;
                return 1000 * (lower + (bucket.getKey() - lower) * fraction);
            }
            lower = bucket.getKey();
            below = bucket.getValue();
        }
        return Double.NaN;
    }

    /**
     * @param requests        predicts timed in the interval
     * @param meanMs          their mean duration by the service's timer
     * @param p50Ms           median estimated from the histogram
     * @param p99Ms           99th percentile estimated from the histogram
     * @param dbMsPerRequest  database connection time held per predict (all its statements and commits)
     * @param dbUsesPerRequest connection checkouts per predict
     */
    record Summary(long requests, double meanMs, double p50Ms, double p99Ms, double dbMsPerRequest,
                   double dbUsesPerRequest) {
    }
}
