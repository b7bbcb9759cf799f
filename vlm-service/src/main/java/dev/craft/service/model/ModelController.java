package dev.craft.service.model;

import dev.craft.api.ModelInfo;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /v1/model}: what a client may know about the model, nothing about its weights. */
@RestController
class ModelController {

    private final ModelInfo info;

    ModelController(DualEncoderModel model) {
        BundleManifest m = model.manifest();
        int contextLength = m.text().contextLength();
        this.info = new ModelInfo(m.modelId(), m.name(), m.description(), m.architecture(), m.vocabulary(),
                model.tokenWidth(), contextLength, contextLength - 3, true, m.logitScale(),
                model.tokenEmbeddingStd(), model.imageSize(),
                model.device().isGpu() ? "gpu(" + model.device().getDeviceId() + ")" : "cpu");
    }

    @GetMapping("/v1/model")
    ModelInfo model() {
        return info;
    }
}
