package dev.craft.client;

/**
 * Settings the DJL PyTorch engine reads once, when it starts. Call {@link #configure()} from every
 * entry point before anything touches {@code ai.djl.engine.Engine}; later calls do nothing, and a
 * call after the engine has started cannot change its thread count any more.
 *
 * <ul>
 *   <li>{@code ai.djl.offline=true}: a missing native jar fails fast instead of trying the
 *       network (the CPU natives ship as Maven dependencies).</li>
 *   <li>{@code ai.djl.pytorch.num_threads}: intra-op threads. Taken from the system property
 *       {@value #THREADS_PROPERTY} or the environment variable {@value #THREADS_ENV}; without
 *       either, 1 on machines with at most 2 cores (libtorch's default of one thread per core is
 *       5–10x slower there) and libtorch's own default otherwise (for example on GPU hosts).</li>
 *   <li>{@code ai.djl.pytorch.num_interop_threads}: 1 whenever intra-op threads are 1.</li>
 * </ul>
 * Values the user already set as {@code ai.djl.*} system properties are left alone.
 */
public final class DjlRuntime {

    /** System property overriding the intra-op thread count. */
    public static final String THREADS_PROPERTY = "craft.torch.threads";
    /** Environment variable overriding the intra-op thread count. */
    public static final String THREADS_ENV = "CRAFT_TORCH_THREADS";

    static final String OFFLINE = "ai.djl.offline";
    static final String NUM_THREADS = "ai.djl.pytorch.num_threads";
    static final String NUM_INTEROP_THREADS = "ai.djl.pytorch.num_interop_threads";

    private static boolean configured;

    private DjlRuntime() {
    }

    /** Sets the engine properties (idempotent, thread-safe). */
    public static synchronized void configure() {
        if (configured) {
            return;
        }
        setIfAbsent(OFFLINE, "true");
        Integer threads = requestedThreads(
                System.getProperty(THREADS_PROPERTY), System.getenv(THREADS_ENV),
                Runtime.getRuntime().availableProcessors());
        if (threads != null) {
            setIfAbsent(NUM_THREADS, Integer.toString(threads));
            if (threads == 1) {
                setIfAbsent(NUM_INTEROP_THREADS, "1");
            }
        }
        configured = true;
    }

    /**
     * The intra-op thread count to request: the property, else the environment variable, else 1
     * on at most 2 cores; {@code null} leaves libtorch's default.
     */
    static Integer requestedThreads(String property, String env, int cores) {
        for (String value : new String[] {property, env}) {
            if (value != null && !value.isBlank()) {
                int n;
                try {
                    n = Integer.parseInt(value.trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("torch thread count is not a number: " + value, e);
                }
                if (n < 1) {
                    throw new IllegalArgumentException("torch thread count must be >= 1, got " + n);
                }
                return n;
            }
        }
        return cores <= 2 ? 1 : null;
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
