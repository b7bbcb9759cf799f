package dev.craft.client.data;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** How class names are derived and checked. */
final class ClassNames {

    private ClassNames() {
    }

    /** A folder or split class name with underscores read as spaces. */
    static String fromIdentifier(String identifier) {
        return normalize(identifier.replace('_', ' '));
    }

    static String normalize(String name) {
        return name.strip().replaceAll("\\s+", " ");
    }

    // The service refuses empty names and names differing only in case; fail here with the dataset context.
    static void requireDistinct(List<String> names, String source) {
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            if (name.isEmpty()) {
                throw new DatasetException("an empty class name in " + source);
            }
            if (!seen.add(name.toLowerCase(Locale.ROOT))) {
                throw new DatasetException("class name '" + name + "' appears more than once in " + source);
            }
        }
    }
}
