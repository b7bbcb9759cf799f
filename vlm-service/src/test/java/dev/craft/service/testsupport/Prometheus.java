package dev.craft.service.testsupport;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads one sample out of the Prometheus text exposition format. */
public final class Prometheus {

    private Prometheus() {
    }

    /**
     * The value of the first sample of {@code metric} whose labels include every {@code name="value"}
     * given, or 0 when there is none (a counter not yet created).
     */
    public static double sample(String exposition, String metric, String... labels) {
        Pattern line = Pattern.compile("^" + Pattern.quote(metric) + "\\{([^}]*)\\}\\s+(\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(exposition);
        while (m.find()) {
            boolean all = true;
            for (String label : labels) {
                all &= m.group(1).contains(label);
            }
            if (all) {
                return Double.parseDouble(m.group(2));
            }
        }
        return 0;
    }
}
