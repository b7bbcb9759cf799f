package dev.craft.client.cmaes;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/** CPU time of the current thread, falling back to wall time where the JVM cannot measure it. */
public final class ThreadCpu {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean SUPPORTED = supported();

    private ThreadCpu() {
    }

    /** Nanoseconds of CPU time the current thread has used (only differences are meaningful). */
    public static long nanos() {
        return SUPPORTED ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }

    /** Whether {@link #nanos()} measures CPU time (else it is wall time). */
    public static boolean measuresCpu() {
        return SUPPORTED;
    }

    private static boolean supported() {
        try {
            if (THREADS.isCurrentThreadCpuTimeSupported()) {
                if (!THREADS.isThreadCpuTimeEnabled()) {
                    THREADS.setThreadCpuTimeEnabled(true);
                }
                return THREADS.getCurrentThreadCpuTime() >= 0;
            }
        } catch (UnsupportedOperationException | SecurityException e) {
            // fall through to wall time
        }
        return false;
    }
}
