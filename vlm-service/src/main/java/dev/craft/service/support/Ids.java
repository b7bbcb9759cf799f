package dev.craft.service.support;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Unguessable resource ids such as {@code ds_3f9c...}: 128 random bits, so ids cannot be enumerated. */
public final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    public static String next(String prefix) {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return prefix + "_" + HexFormat.of().formatHex(bytes);
    }
}
