package dev.craft.client.report;

import java.util.Locale;

/** Number formats of the report: one place, so every table writes numbers the same way. */
final class Fmt {

    private Fmt() {
    }

    /** A fraction as a percentage with 2 decimals: 0.4567 -> "45.67". */
    static String pct(double fraction) {
        return Double.isFinite(fraction) ? String.format(Locale.ROOT, "%.2f", 100 * fraction) : "–";
    }

    /** Milliseconds: 2 decimals below 10, 1 above. */
    static String ms(double ms) {
        if (!Double.isFinite(ms)) {
            return "–";
        }
        double a = Math.abs(ms);
        return String.format(Locale.ROOT, a < 10 ? "%.2f" : a < 1000 ? "%.1f" : "%,.0f", ms);
    }

    /** Seconds with 1 decimal (2 below 10). */
    static String s(double seconds) {
        return ms(seconds);
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** A mean of counts: whole when it is whole. */
    static String count(double mean) {
        if (!Double.isFinite(mean)) {
            return "–";
        }
        return mean == Math.rint(mean) ? count((long) mean) : String.format(Locale.ROOT, "%,.1f", mean);
    }

    /** Any JSON number, readably: integers with separators, others with 4 significant digits. */
    static String number(double v) {
        if (!Double.isFinite(v)) {
            return "–";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return count((long) v);
        }
        double a = Math.abs(v);
        if (a < 1e-3) {
            return String.format(Locale.ROOT, "%.2g", v);
        }
        if (a < 1) {
            // 4 significant digits without trailing zeros: 0.0125, 0.3333
            return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
        }
        String format = a >= 1000 ? "%,.0f" : a >= 100 ? "%.1f" : a >= 10 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, format, v);
    }

    static String ratio(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "–";
    }
}
