package dev.craft.service.predict;

import dev.craft.api.PredictRequest;
import dev.craft.api.ProblemTypes;
import dev.craft.api.Tensor;
import dev.craft.service.VlmProperties;
import dev.craft.service.auth.Tenant;
import dev.craft.service.classset.ClassPrompts;
import dev.craft.service.classset.ClassSetService;
import dev.craft.service.compute.ComputeGate;
import dev.craft.service.dataset.DatasetService;
import dev.craft.service.problem.ApiException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import java.util.Arrays;

/** {@code /v1/predict}: P prompt offsets on a stored dataset, metered as P queries. */
@Service
class PredictService {

    static final String ENDPOINT = "predict";

    private final DatasetService datasets;
    private final ClassSetService classSets;
    private final LogitsComputer computer;
    private final MeteredExecution metered;
    private final ComputeGate gate;
    private final VlmProperties.Limits limits;

    PredictService(DatasetService datasets, ClassSetService classSets, LogitsComputer computer,
                   MeteredExecution metered, ComputeGate gate, VlmProperties properties) {
        this.gate = gate;
        this.datasets = datasets;
        this.classSets = classSets;
        this.computer = computer;
        this.metered = metered;
        this.limits = properties.limits();
    }

    /**
     * @param request the request; its {@code prompts} are ignored when {@code promptTensor} is given
     * @param promptTensor prompts from the binary frame, [P, L, d] or [P, L*d], or null
     */
    MeteredResult predict(Tenant tenant, PredictRequest request, Tensor promptTensor, String idempotencyKey) {
        if (request == null) {
            throw ApiException.badRequest(ProblemTypes.MALFORMED_REQUEST, "the request body is empty");
        }
        ClassPrompts classes = classSets.prompts(tenant, request.classSetId());
        Tensor features = datasets.features(tenant, request.datasetId());
        PromptBatch prompts = promptTensor != null
                ? PromptValidation.fromTensor(promptTensor, classes, limits)
                : PromptValidation.fromRows(request.prompts(), classes, limits);
        int e = features.shape()[1];
        int[] indices = validIndices(request.indices(), features.shape()[0]);
        int n = indices == null ? features.shape()[0] : indices.length;
        long logits = (long) prompts.count() * n * classes.classCount();
        if (logits > limits.maxLogitsPerRequest()) {
            throw new ApiException(HttpStatus.CONTENT_TOO_LARGE, ProblemTypes.REQUEST_TOO_LARGE,
                    prompts.count() + " prompts x " + n + " images x " + classes.classCount() + " classes = " + logits
                            + " logits, more than the " + limits.maxLogitsPerRequest()
                            + " one request may return; send fewer prompts or an index subset per request");
        }
        String digest = new RequestDigest(ENDPOINT).text(request.datasetId()).text(request.classSetId())
                .ints(indices).floats(prompts.values()).hex();
        return metered.run(tenant, ENDPOINT, prompts.count(), idempotencyKey, digest, () -> gate.run(() -> {
            float[] images = indices == null ? features.data() : LogitsComputer.select(features.data(), e, indices);
            return computer.logits(images, n, classes, prompts.values(), prompts.count());
        }));
    }

    private static int[] validIndices(int[] indices, int size) {
        if (indices == null) {
            return null;
        }
        if (indices.length == 0) {
            throw ApiException.badRequest(ProblemTypes.INVALID_INDICES, "indices, when given, must not be empty");
        }
        int[] bad = Arrays.stream(indices).filter(i -> i < 0 || i >= size).limit(1).toArray();
        if (bad.length > 0) {
            throw ApiException.badRequest(ProblemTypes.INVALID_INDICES,
                    "index " + bad[0] + " is outside the dataset's " + size + " images");
        }
        return indices;
    }
}
