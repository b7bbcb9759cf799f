package dev.craft.client.cmaes;

/**
 * Small seeded pseudo-random generator with a fully serialisable state: xoshiro256** (Blackman and
 * Vigna, "Scrambled linear pseudorandom number generators"), seeded through splitmix64, written from
 * the published description. Gaussian deviates use Marsaglia's polar method; the second deviate of
 * each pair is cached and is part of the state.
 *
 * <p>Only {@link StrictMath} is used for transcendental functions, so a sequence is reproducible
 * bit for bit on every JVM and platform.
 */
public final class Xoshiro256 {

    private long s0;
    private long s1;
    private long s2;
    private long s3;
    private boolean hasSpare;
    private double spare;

    /** Seeds the four state words with splitmix64 starting from {@code seed}. */
    public Xoshiro256(long seed) {
        long x = seed;
        x += 0x9E3779B97F4A7C15L;
        s0 = mix(x);
        x += 0x9E3779B97F4A7C15L;
        s1 = mix(x);
        x += 0x9E3779B97F4A7C15L;
        s2 = mix(x);
        x += 0x9E3779B97F4A7C15L;
        s3 = mix(x);
    }

    /** Restores a generator from {@link #state()}, {@link #hasSpare()} and {@link #spare()}. */
    public static Xoshiro256 restore(long[] state, boolean hasSpare, double spare) {
        if (state == null || state.length != 4) {
            throw new IllegalArgumentException("xoshiro256 state must be 4 longs");
        }
        if ((state[0] | state[1] | state[2] | state[3]) == 0) {
            throw new IllegalArgumentException("xoshiro256 state must not be all zero");
        }
        Xoshiro256 r = new Xoshiro256(0);
        r.s0 = state[0];
        r.s1 = state[1];
        r.s2 = state[2];
        r.s3 = state[3];
        r.hasSpare = hasSpare;
        r.spare = hasSpare ? spare : 0.0;
        return r;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Next 64 random bits. */
    public long nextLong() {
        long result = Long.rotateLeft(s1 * 5, 7) * 9;
        long t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Long.rotateLeft(s3, 45);
        return result;
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Standard normal deviate (Marsaglia polar method). */
    public double nextGaussian() {
        if (hasSpare) {
            hasSpare = false;
            double v = spare;
            spare = 0.0;
            return v;
        }
        double u;
        double v;
        double s;
        do {
            u = 2 * nextDouble() - 1;
            v = 2 * nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double m = Math.sqrt(-2 * StrictMath.log(s) / s);
        spare = v * m;
        hasSpare = true;
        return u * m;
    }

    /** The four state words (copy). */
    public long[] state() {
        return new long[] {s0, s1, s2, s3};
    }

    public boolean hasSpare() {
        return hasSpare;
    }

    /** The cached second Gaussian deviate (0 when {@link #hasSpare()} is false). */
    public double spare() {
        return spare;
    }
}
