package dev.craft.client.cli;

import java.util.Arrays;
import java.util.Locale;

/** Turns option text into values, with the one-line errors the commands share. */
final class OptionValues {

    private OptionValues() {
    }

    /** The constant of {@code type} named {@code value} in any case, or an error naming the accepted ones. */
    static <E extends Enum<E>> E enumValue(Class<E> type, String value, String option) {
        try {
            // ids are the constant names in lower case with '-' for '_' ("cv-kl" is CV_KL)
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " '" + value + "' is not one of "
                    + Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT).replace('_', '-'));
        }
    }
}
