package dev.craft.service.dataset;

import dev.craft.api.DatasetInfo;
import dev.craft.api.DatasetSummary;
import dev.craft.api.ProblemTypes;
import dev.craft.api.Tensor;
import dev.craft.service.VlmProperties;
import dev.craft.service.auth.Tenant;
import dev.craft.service.model.DualEncoderModel;
import dev.craft.service.problem.ApiException;
import dev.craft.service.support.Ids;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.web.multipart.MultipartFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** Uploads (encode once, store features, then metadata), lookups and deletes of datasets. */
@Service
public class DatasetService {

    private static final Logger log = LoggerFactory.getLogger(DatasetService.class);

    private final DatasetRepository repository;
    private final FeatureStore store;
    private final ImageEncoding encoding;
    private final DualEncoderModel model;
    private final UploadReader uploads;
    private final FeatureCache cache;

    DatasetService(DatasetRepository repository, FeatureStore store, ImageEncoding encoding, DualEncoderModel model,
                   VlmProperties properties) throws IOException {
        this.repository = repository;
        this.store = store;
        this.encoding = encoding;
        this.model = model;
        this.uploads = new UploadReader(properties.limits());
        this.cache = new FeatureCache((long) properties.compute().featureCacheMb() << 20);
        int removed = store.removeOrphans(repository.allIds());
        if (removed > 0) {
            log.info("Removed {} incomplete or orphaned feature file(s) left by an earlier run", removed);
        }
    }

    public DatasetInfo upload(Tenant tenant, List<MultipartFile> images) {
        List<String> names = new ArrayList<>();
        Tensor features;
        try {
            features = encoding.encode(uploads.read(images), names);
        } catch (IOException e) {
            throw ApiException.badRequest(ProblemTypes.MALFORMED_REQUEST, "the upload could not be read: " + e.getMessage());
        }
        String id = Ids.next("ds");
        try {
            store.write(id, features);
        } catch (IOException e) {
            log.error("Cannot store features of a new dataset", e);
            throw new ApiException(HttpStatus.INSUFFICIENT_STORAGE, ProblemTypes.INSUFFICIENT_STORAGE,
                    "the dataset could not be stored (" + e.getMessage() + "); nothing was kept");
        }
        StoredDataset dataset = new StoredDataset(id, tenant.name(), model.manifest().modelId(), names.size(),
                model.embedDim(), List.copyOf(names),
                Instant.now().truncatedTo(ChronoUnit.MILLIS));
        try {
            repository.insert(dataset);
        } catch (RuntimeException e) {
            deleteQuietly(id);
            throw e;
        }
        cache.put(id, DatasetFeatures.of(features));
        return info(dataset);
    }

    public DatasetInfo get(Tenant tenant, String id) {
        return info(find(tenant, id));
    }

    public List<DatasetSummary> list(Tenant tenant) {
        return repository.list(tenant.name()).stream()
                .map(d -> new DatasetSummary(d.id(), d.size(), d.createdAt()))
                .toList();
    }

    public void delete(Tenant tenant, String id) {
        if (!repository.delete(tenant.name(), id)) {
            throw ApiException.notFound("dataset", id);
        }
        cache.remove(id);
        deleteQuietly(id);
    }

    /** Normalised image features [N, E] of a dataset the tenant owns; 404 for any other id. */
    public DatasetFeatures features(Tenant tenant, String id) {
        // The database first, never the cache: a dataset deleted through another replica is a 404 here even while
        // its features are still cached; one uploaded through another replica is read from the shared store.
        // Only the model id: the file names (a JSON list of up to 20,000 names) are not needed per predict.
        String encodedBy = repository.modelId(tenant.name(), requireId(id))
                .orElseThrow(() -> ApiException.notFound("dataset", id));
        if (!encodedBy.equals(model.manifest().modelId())) {
            throw new ApiException(HttpStatus.CONFLICT, ProblemTypes.DATASET_MODEL_MISMATCH,
                    "dataset '" + id + "' was encoded by model " + encodedBy + ", but "
                            + model.manifest().modelId() + " is served now; upload the images again");
        }
        DatasetFeatures cached = cache.get(id);
        if (cached != null) {
            return cached;
        }
        try {
            DatasetFeatures features = DatasetFeatures.of(store.read(id));
            cache.put(id, features);
            return features;
        } catch (IOException e) {
            throw new UncheckedIOException("features of dataset " + id + " are unreadable", e);
        }
    }

    private StoredDataset find(Tenant tenant, String id) {
        return repository.find(tenant.name(), requireId(id)).orElseThrow(() -> ApiException.notFound("dataset", id));
    }

    private static String requireId(String id) {
        if (id == null || id.isBlank()) {
            throw ApiException.badRequest(ProblemTypes.MALFORMED_REQUEST, "datasetId is required");
        }
        return id;
    }

    private void deleteQuietly(String id) {
        try {
            store.delete(id);
        } catch (IOException e) {
            log.warn("Could not delete features of dataset {}; it will be removed at the next start", id, e);
        }
    }

    private static DatasetInfo info(StoredDataset d) {
        return new DatasetInfo(d.id(), d.size(), d.fileNames(), d.createdAt());
    }
}
