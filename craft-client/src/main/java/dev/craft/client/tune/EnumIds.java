package dev.craft.client.tune;

import java.util.function.Function;

/** The id lookup of the run settings' enums (config.json, the command line): case-insensitive. */
final class EnumIds {

    private EnumIds() {
    }

    /** The constant of {@code type} whose id is {@code value} in any case, or an error naming the {@code kind}. */
    static <E extends Enum<E>> E fromId(Class<E> type, Function<E, String> id, String value, String kind) {
        for (E constant : type.getEnumConstants()) {
            if (id.apply(constant).equalsIgnoreCase(value)) {
                return constant;
            }
        }
        throw new IllegalArgumentException("unknown " + kind + " '" + value + "'");
    }
}
