package dev.craft.client.bench;

/**
 * Mean and sample standard deviation of a cell's values (one per seed).
 *
 * @param std the sample standard deviation, sqrt(sum (x - mean)^2 / (n - 1)); NaN when n &lt; 2
 */
public record Stats(double mean, double std, int n) {

    public static Stats of(double... values) {
        int n = values.length;
        if (n == 0) {
            return new Stats(Double.NaN, Double.NaN, 0);
        }
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        double mean = sum / n;
        if (n < 2) {
            return new Stats(mean, Double.NaN, n);
        }
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        return new Stats(mean, Math.sqrt(squares / (n - 1)), n);
    }

    public boolean hasStd() {
        return n >= 2;
    }
}
