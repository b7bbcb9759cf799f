package dev.craft.service;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Every {@code vlm.*} setting (see docs/operations.md). Relaxed binding gives each an environment
 * variable too, e.g. {@code vlm.data-dir} = {@code VLM_DATA_DIR}.
 *
 * @param dataDir     where datasets, the database and the extracted default bundle live
 * @param apiKeys     {@code tenant:key:quota} entries, comma separated
 * @param apiKeysFile a file with one {@code tenant:key:quota} (or {@code tenant:sha256=HEX:quota}) per line
 * @param model       which bundle to serve and how
 * @param limits      request limits
 * @param compute     concurrency of model work
 * @param storage     where image features live, disk safety margins
 * @param store       where metadata, the ledger and quota reservations live: {@code h2} (the embedded file
 *                    {@code <data-dir>/db}, one replica) or {@code postgres} ({@code spring.datasource.*},
 *                    shared by replicas)
 * @param metering    quota reservations across replicas
 */
@ConfigurationProperties("vlm")
public record VlmProperties(Path dataDir, String apiKeys, Path apiKeysFile, Model model, Limits limits,
                            Compute compute, Storage storage, String store, Metering metering) {

    public static final String STORE_H2 = "h2";
    public static final String STORE_POSTGRES = "postgres";

    public VlmProperties {
        dataDir = dataDir == null ? Path.of("data") : dataDir;
        store = store == null || store.isBlank() ? STORE_H2 : store.strip().toLowerCase(Locale.ROOT);
        if (!store.equals(STORE_H2) && !store.equals(STORE_POSTGRES)) {
            throw new IllegalArgumentException("vlm.store must be '" + STORE_H2 + "' (embedded, one replica) or '"
                    + STORE_POSTGRES + "' (spring.datasource.*, several replicas), not '" + store + "'");
        }
        metering = metering == null ? new Metering(null) : metering;
        model = model == null ? new Model(null, null, null, null, null, null, null) : model;
        limits = limits == null ? new Limits(0, 0, 0, 0, 0, 0, 0, 0, 0, 0) : limits;
        compute = compute == null ? new Compute(0, 0, 0, 0, 0, 0) : compute;
        storage = (storage == null ? new Storage(0, null, null) : storage).withDefaults(dataDir, usesPostgres(store));
        long largestAnswer = limits.maxLogitsPerRequest() * Float.BYTES;
        if (largestAnswer > compute.answerMemoryBytes()) {
            throw new IllegalArgumentException("vlm.compute.answer-memory-mb (" + compute.answerMemoryMb()
                    + ") is smaller than one answer at vlm.limits.max-logits-per-request (" + limits.maxLogitsPerRequest()
                    + " logits = " + ((largestAnswer + (1 << 20) - 1) >> 20) + " MiB): raise the first or lower the second");
        }
    }

    /**
     * @param bundle      which bundle to serve: {@code tiny} (embedded in the jar), {@code demo} or {@code bench}
     *                    (built into {@code bundlesHome}), or a bundle directory; empty = {@code demo}
     * @param bundleDir   deprecated alias of {@code bundle} for a directory
     * @param bundlesHome where the built bundles {@code demo} and {@code bench} live; empty =
     *                    {@code $CRAFT_CACHE/bundles}, else {@code ~/.cache/craft/bundles}
     * @param buildScript {@code deploy/models/build_bundle.sh}, run at start-up when a built bundle is missing;
     *                    empty = looked for next to the running jar and in the working directory
     * @param device      auto (GPU when present), cpu, or gpu
     * @param threads     intra-op threads of the engine; 0 = OMP_NUM_THREADS, else 1 on machines with up to 2 cores
     * @param offline     forbid DJL from downloading native libraries at run time
     */
    public record Model(String bundle, Path bundleDir, Path bundlesHome, Path buildScript, String device,
                        Integer threads, Boolean offline) {
        public Model {
            bundle = bundle == null ? "" : bundle.strip();
            device = device == null ? "auto" : device;
            threads = threads == null ? 0 : threads;
            offline = offline == null || offline;
        }
    }

    /**
     * @param maxImagesPerDataset  images in one upload
     * @param maxImageBytes        bytes of one image file
     * @param maxImagePixels       width x height of one image, checked before decoding
     * @param maxArchiveEntries    entries in one tar/zip
     * @param maxClasses           class names in one class set
     * @param maxClassNameLength   characters of one class name
     * @param maxPromptsPerRequest P in one predict
     * @param maxLogitsPerRequest  P x N x K in one predict
     * @param maxClassifyImages    inline images in one classify
     * @param maxBodyBytes         bytes of a JSON or binary request body (uploads have their own multipart limits)
     */
    public record Limits(int maxImagesPerDataset, long maxImageBytes, long maxImagePixels, int maxArchiveEntries,
                         int maxClasses, int maxClassNameLength, int maxPromptsPerRequest, long maxLogitsPerRequest,
                         int maxClassifyImages, long maxBodyBytes) {
        public Limits {
            maxImagesPerDataset = orDefault(maxImagesPerDataset, 20_000);
            maxImageBytes = maxImageBytes > 0 ? maxImageBytes : 20L << 20;
            maxImagePixels = maxImagePixels > 0 ? maxImagePixels : 40_000_000L;
            maxArchiveEntries = orDefault(maxArchiveEntries, 20_000);
            maxClasses = orDefault(maxClasses, 2_000);
            maxClassNameLength = orDefault(maxClassNameLength, 200);
            maxPromptsPerRequest = orDefault(maxPromptsPerRequest, 256);
            maxLogitsPerRequest = maxLogitsPerRequest > 0 ? maxLogitsPerRequest : 64_000_000L;
            maxClassifyImages = orDefault(maxClassifyImages, 64);
            maxBodyBytes = maxBodyBytes > 0 ? maxBodyBytes : 128L << 20;
        }
    }

    /**
     * @param concurrency        model computations running at once (1 suits a CPU; raise on a GPU)
     * @param queueLength        requests allowed to wait for a slot; more get 503 with Retry-After
     * @param imageBatch         images per image-encoder forward
     * @param textBatch          prompt sequences per text-encoder forward (bounds memory)
     * @param featureCacheMb     image features kept in memory across requests
     * @param answerMemoryMb     native memory that answers computed and not yet delivered may hold together;
     *                           a computation whose answer does not fit gets 503 with Retry-After
     */
    public record Compute(int concurrency, int queueLength, int imageBatch, int textBatch, int featureCacheMb,
                          int answerMemoryMb) {
        public Compute {
            concurrency = orDefault(concurrency, 1);
            queueLength = orDefault(queueLength, 64);
            imageBatch = orDefault(imageBatch, 32);
            textBatch = orDefault(textBatch, 1024);
            featureCacheMb = orDefault(featureCacheMb, 1024);
            answerMemoryMb = orDefault(answerMemoryMb, 1024);
        }

        public long answerMemoryBytes() {
            return (long) answerMemoryMb << 20;
        }
    }

    /** True when metadata and the ledger are in PostgreSQL, shared with other replicas. */
    public boolean usesPostgres() {
        return usesPostgres(store);
    }

    private static boolean usesPostgres(String store) {
        return STORE_POSTGRES.equals(store);
    }

    /**
     * @param minFreeBytes   an upload is refused (507) when storing it would leave less free space than
     *                       this on the features dir's file system, so the database and ledger can still be written
     * @param featuresDir    where the image feature files live; replicas share one directory; empty =
     *                       {@code <data-dir>/datasets}
     * @param orphanMinAge   a feature or temporary file without a dataset row is removed at start only when it is
     *                       older than this (another replica may be writing it); empty = 0 with h2, 1h with postgres
     */
    public record Storage(long minFreeBytes, Path featuresDir, Duration orphanMinAge) {
        public Storage {
            minFreeBytes = minFreeBytes > 0 ? minFreeBytes : 256L << 20;
            if (orphanMinAge != null && orphanMinAge.isNegative()) {
                throw new IllegalArgumentException("vlm.storage.orphan-min-age must not be negative, got " + orphanMinAge);
            }
        }

        Storage withDefaults(Path dataDir, boolean shared) {
            return new Storage(minFreeBytes, featuresDir == null ? dataDir.resolve("datasets") : featuresDir,
                    orphanMinAge != null ? orphanMinAge : shared ? Duration.ofHours(1) : Duration.ZERO);
        }
    }

    /**
     * @param reservationTimeout a replica renews its in-flight quota reservations every quarter of this; one not
     *                           renewed for this long (its replica died) is released by any replica; default 2m
     */
    public record Metering(Duration reservationTimeout) {
        public Metering {
            reservationTimeout = reservationTimeout == null || reservationTimeout.isNegative()
                    || reservationTimeout.isZero() ? Duration.ofMinutes(2) : reservationTimeout;
        }
    }

    private static int orDefault(int value, int fallback) {
        return value > 0 ? value : fallback;
    }
}
