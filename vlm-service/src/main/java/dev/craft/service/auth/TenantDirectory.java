package dev.craft.service.auth;

import dev.craft.service.VlmProperties;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The configured tenants and the hashes of their API keys. */
@Component
public class TenantDirectory {

    private final List<ApiKeyEntry> entries;
    private final Map<String, Tenant> tenants;

    public TenantDirectory(VlmProperties properties) {
        this.entries = List.copyOf(readEntries(properties));
        Map<String, Tenant> byName = new LinkedHashMap<>();
        for (ApiKeyEntry entry : entries) {
            Tenant previous = byName.putIfAbsent(entry.tenant().name(), entry.tenant());
            if (previous != null && previous.quota() != entry.tenant().quota()) {
                throw new IllegalArgumentException("tenant '" + entry.tenant().name() + "' is configured with two quotas");
            }
        }
        this.tenants = Map.copyOf(byName);
    }

    private static List<ApiKeyEntry> readEntries(VlmProperties properties) {
        List<ApiKeyEntry> result = new ArrayList<>();
        if (properties.apiKeys() != null) {
            for (String entry : properties.apiKeys().split(",")) {
                if (!entry.isBlank()) {
                    result.add(ApiKeyEntry.parse(entry, "vlm.api-keys"));
                }
            }
        }
        if (properties.apiKeysFile() != null) {
            try {
                int lineNumber = 0;
                for (String line : Files.readAllLines(properties.apiKeysFile())) {
                    lineNumber++;
                    if (!line.isBlank() && !line.trim().startsWith("#")) {
                        result.add(ApiKeyEntry.parse(line, properties.apiKeysFile() + " line " + lineNumber));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read vlm.api-keys-file " + properties.apiKeysFile(), e);
            }
        }
        return result;
    }

    /**
     * The tenant owning {@code key}. Every configured hash is compared in constant time, so the time
     * taken does not reveal which entry, or how much of it, matched.
     */
    public Optional<Tenant> authenticate(String key) {
        byte[] hash = ApiKeyEntry.sha256(key);
        Tenant found = null;
        for (ApiKeyEntry entry : entries) {
            if (MessageDigest.isEqual(entry.keyHash(), hash)) {
                found = entry.tenant();
            }
        }
        return Optional.ofNullable(found);
    }

    public Collection<Tenant> tenants() {
        return tenants.values();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }
}
