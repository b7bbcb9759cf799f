package dev.craft.service;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VlmPropertiesTest {

    private static VlmProperties of(String store, VlmProperties.Storage storage, VlmProperties.Metering metering) {
        return new VlmProperties(Path.of("/srv/vlm"), null, null, null, null, null, storage, store, metering);
    }

    @Test
    void oneReplicaOnH2ByDefault() {
        VlmProperties defaults = of(null, null, null);
        assertThat(defaults.store()).isEqualTo("h2");
        assertThat(defaults.usesPostgres()).isFalse();
        assertThat(defaults.storage().featuresDir()).isEqualTo(Path.of("/srv/vlm/datasets"));
        assertThat(defaults.storage().orphanMinAge()).isZero();
        assertThat(defaults.metering().reservationTimeout()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void onPostgresYoungOrphansAreLeftToTheOtherReplicas() {
        VlmProperties postgres = of(" Postgres ", null, null);
        assertThat(postgres.usesPostgres()).isTrue();
        assertThat(postgres.storage().orphanMinAge()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void explicitStorageAndMeteringSettingsWin() {
        VlmProperties properties = of("postgres", new VlmProperties.Storage(0, Path.of("/mnt/shared"), Duration.ZERO),
                new VlmProperties.Metering(Duration.ofSeconds(30)));
        assertThat(properties.storage().featuresDir()).isEqualTo(Path.of("/mnt/shared"));
        assertThat(properties.storage().orphanMinAge()).isZero();
        assertThat(properties.metering().reservationTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void badValuesAreRefusedWithTheSettingsName() {
        assertThatThrownBy(() -> of("mysql", null, null)).hasMessageContaining("vlm.store must be 'h2'")
                .hasMessageContaining("not 'mysql'");
        assertThatThrownBy(() -> of(null, new VlmProperties.Storage(0, null, Duration.ofMinutes(-1)), null))
                .hasMessageContaining("vlm.storage.orphan-min-age must not be negative");
    }
}
