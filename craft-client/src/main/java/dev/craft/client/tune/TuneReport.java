package dev.craft.client.tune;

/** RUN_DIR/report.json: exactly the fields ARCHITECTURE.md names. */
public record TuneReport(String method, String dataset, int shots, long seed, long budget, long trainQueries,
                         long evalQueries, double zeroShotAccuracy, double testAccuracy, double wallSeconds,
                         long artefactBytes) {
}
