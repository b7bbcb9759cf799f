package dev.craft.client.cli;

import dev.craft.client.service.UploadCache;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * Which dataset to use, the service it goes to and where its uploads are remembered; shared by tune,
 * bench, bench-perf and eval.
 */
public final class DatasetOptions {

    @Mixin
    ServiceOptions service;

    @Option(names = "--dataset", required = true,
            description = "Dataset folder: ImageFolder (DIR/train/<class>, DIR/test/<class>) or the images of a CoOp split.")
    Path dataset;

    @Option(names = "--split", description = "CoOp split file (split_zhou_*.json); default: found in --dataset.")
    Path split;

    @Option(names = "--upload-cache", description = "Upload cache file (default: $CRAFT_HOME/upload-cache.json, else ~/.craft/upload-cache.json).")
    Path uploadCache;

    /** The service the dataset is uploaded to and queried on. */
    public ServiceOptions service() {
        return service;
    }

    public Path dataset() {
        return dataset;
    }

    public Path split() {
        return split;
    }

    public Path uploadCacheFile() {
        return uploadCache;
    }

    public UploadCache uploadCache() {
        return uploadCache == null ? UploadCache.atDefaultLocation() : new UploadCache(uploadCache);
    }
}
