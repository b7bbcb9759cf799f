package dev.craft.service.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * One configured key: {@code tenant:key:quota}, or {@code tenant:sha256=<64 hex>:quota} so that key
 * files need not hold the key itself. Only the SHA-256 of a key is kept.
 */
record ApiKeyEntry(Tenant tenant, byte[] keyHash) {

    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final String HASHED_PREFIX = "sha256=";

    static ApiKeyEntry parse(String entry, String source) {
        String trimmed = entry.trim();
        int first = trimmed.indexOf(':');
        int last = trimmed.lastIndexOf(':');
        if (first <= 0 || last == first) {
            throw new IllegalArgumentException(source + ": an API key entry must look like tenant:key:quota");
        }
        String tenant = trimmed.substring(0, first);
        String key = trimmed.substring(first + 1, last);
        String quotaText = trimmed.substring(last + 1);
        if (!TENANT.matcher(tenant).matches()) {
            throw new IllegalArgumentException(source + ": tenant name '" + tenant
                    + "' must be 1-64 letters, digits, '_', '.' or '-'");
        }
        long quota;
        try {
            quota = Long.parseLong(quotaText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + ": quota of tenant '" + tenant + "' is not a number");
        }
        if (quota < 0) {
            throw new IllegalArgumentException(source + ": quota of tenant '" + tenant + "' is negative");
        }
        return new ApiKeyEntry(new Tenant(tenant, quota), hashOf(key, tenant, source));
    }

    private static byte[] hashOf(String key, String tenant, String source) {
        if (key.startsWith(HASHED_PREFIX)) {
            String hex = key.substring(HASHED_PREFIX.length());
            if (!hex.matches("[0-9a-fA-F]{64}")) {
                throw new IllegalArgumentException(source + ": hashed key of tenant '" + tenant + "' needs 64 hex digits");
            }
            return HexFormat.of().parseHex(hex);
        }
        if (key.length() < 8) {
            throw new IllegalArgumentException(source + ": key of tenant '" + tenant + "' is shorter than 8 characters");
        }
        return sha256(key);
    }

    static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
