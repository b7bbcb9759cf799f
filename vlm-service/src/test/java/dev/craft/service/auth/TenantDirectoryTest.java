package dev.craft.service.auth;

import dev.craft.service.VlmProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TenantDirectoryTest {

    @TempDir
    Path dir;

    private static TenantDirectory directory(String keys, Path file) {
        return new TenantDirectory(new VlmProperties(null, keys, file, null, null, null, null, null, null));
    }

    @Test
    void keysFromPropertyAndFileIncludingPreHashedOnes() throws Exception {
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest("file-key-secret".getBytes(StandardCharsets.UTF_8)));
        Path file = dir.resolve("keys");
        Files.writeString(file, "# tenants\n\nbob:sha256=" + hash + ":500\ncarol:carol-key-1:7\n");
        TenantDirectory tenants = directory("alice:alice-key-1:100", file);

        assertThat(tenants.authenticate("alice-key-1")).contains(new Tenant("alice", 100));
        assertThat(tenants.authenticate("file-key-secret")).contains(new Tenant("bob", 500));
        assertThat(tenants.authenticate("carol-key-1")).contains(new Tenant("carol", 7));
        assertThat(tenants.authenticate("alice-key-2")).isEmpty();
        assertThat(tenants.authenticate("sha256=" + hash)).isEmpty();
        assertThat(tenants.tenants()).hasSize(3);
    }

    @Test
    void badEntriesAreRefusedAtStartWithoutEchoingTheKey() {
        assertThatThrownBy(() -> directory("alice:only-two", null)).hasMessageContaining("tenant:key:quota");
        assertThatThrownBy(() -> directory("al ice:long-enough-key:5", null)).hasMessageContaining("tenant name");
        assertThatThrownBy(() -> directory("alice:long-enough-key:lots", null)).hasMessageContaining("not a number");
        assertThatThrownBy(() -> directory("alice:long-enough-key:-1", null)).hasMessageContaining("negative");
        assertThatThrownBy(() -> directory("alice:short:5", null)).hasMessageContaining("shorter than 8")
                .hasMessageNotContaining("short:");
        assertThatThrownBy(() -> directory("alice:sha256=abc:5", null)).hasMessageContaining("64 hex digits");
        assertThatThrownBy(() -> directory("a:key-number-1:5,a:key-number-2:6", null)).hasMessageContaining("two quotas");
    }
}
