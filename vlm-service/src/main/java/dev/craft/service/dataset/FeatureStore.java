package dev.craft.service.dataset;

import dev.craft.api.Tensor;

import java.io.IOException;
import java.util.Set;

/**
 * The image features of each dataset, [N, E], written once by the replica that received the upload and read by
 * every replica. A write is all or nothing: a reader never sees half of one.
 */
public interface FeatureStore {

    /**
     * @throws IOException when the store is too full or the write fails; nothing is left behind
     */
    void write(String id, Tensor features) throws IOException;

    Tensor read(String id) throws IOException;

    void delete(String id) throws IOException;

    /**
     * Removes unfinished writes and the features of datasets not in {@code knownIds}, once they are older than
     * {@code vlm.storage.orphan-min-age} (younger ones may belong to an upload in progress on another replica).
     *
     * @return how many were removed
     */
    int removeOrphans(Set<String> knownIds) throws IOException;
}
