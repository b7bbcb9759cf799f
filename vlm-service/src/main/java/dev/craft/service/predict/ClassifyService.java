package dev.craft.service.predict;

import dev.craft.api.ProblemTypes;
import dev.craft.api.Tensor;
import dev.craft.service.VlmProperties;
import dev.craft.service.auth.Tenant;
import dev.craft.service.classset.ClassPrompts;
import dev.craft.service.classset.ClassSetService;
import dev.craft.service.compute.ComputeGate;
import dev.craft.service.dataset.ImageEncoding;
import dev.craft.service.dataset.ImageSource;
import dev.craft.service.dataset.UploadedImage;
import dev.craft.service.problem.ApiException;
import org.springframework.stereotype.Service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** {@code /v1/classify}: inline images (not stored) with one prompt offset; metered as one query. */
@Service
class ClassifyService {

    static final String ENDPOINT = "classify";

    private final ClassSetService classSets;
    private final ImageEncoding encoding;
    private final LogitsComputer computer;
    private final MeteredExecution metered;
    private final ComputeGate gate;
    private final VlmProperties.Limits limits;

    ClassifyService(ClassSetService classSets, ImageEncoding encoding, LogitsComputer computer,
                    MeteredExecution metered, ComputeGate gate, VlmProperties properties) {
        this.classSets = classSets;
        this.encoding = encoding;
        this.computer = computer;
        this.metered = metered;
        this.gate = gate;
        this.limits = properties.limits();
    }

    /**
     * @param prompt one offset of L x d values, or null for the plain template
     * @return logits [B, K]
     */
    MeteredResult classify(Tenant tenant, String classSetId, List<UploadedImage> images, float[] prompt,
                           String idempotencyKey) {
        ClassPrompts classes = classSets.prompts(tenant, classSetId);
        if (images.isEmpty()) {
            throw ApiException.badRequest(ProblemTypes.MALFORMED_REQUEST, "send at least one image in field 'images'");
        }
        if (images.size() > limits.maxClassifyImages()) {
            throw ApiException.badRequest(ProblemTypes.TOO_MANY_IMAGES,
                    images.size() + " images; classify takes at most " + limits.maxClassifyImages() + " per request");
        }
        float[] offset = prompt == null ? new float[classes.promptSize()] : prompt;
        PromptBatch batch = PromptValidation.fromTensor(new Tensor(new int[] {1, offset.length}, offset), classes, limits);
        RequestDigest digest = new RequestDigest(ENDPOINT).text(classSetId).floats(batch.values());
        images.forEach(image -> digest.text(image.name()).bytes(image.bytes()));
        return metered.run(tenant, ENDPOINT, 1, idempotencyKey, digest.hex(), () -> {
            Tensor features = encode(images);
            int n = features.shape()[0];
            return gate.run(() -> computer.logits(features.data(), n, classes, batch.values(), 1))
                    .reshape(n, classes.classCount());
        });
    }

    private Tensor encode(List<UploadedImage> images) {
        ImageSource source = sink -> images.forEach(sink::accept);
        try {
            return encoding.encode(source, new ArrayList<>());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
