package dev.craft.service.model;

import dev.craft.api.ModelInfo;
import dev.craft.service.model.selection.ResolvedBundle;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /v1/model}: what a client may know about the model, nothing about its weights. */
@RestController
class ModelController {

    private final ModelInfo info;

    ModelController(DualEncoderModel model, ResolvedBundle bundle) {
        BundleManifest m = model.manifest();
        int contextLength = m.text().contextLength();
        this.info = new ModelInfo(m.modelId(), m.name(), bundle.source(), m.description(), m.architecture(), m.vocabulary(),
                model.tokenWidth(), contextLength, contextLength - 3, true, m.logitScale(),
                model.tokenEmbeddingStd(), model.imageSize(),
                model.device().isGpu() ? "gpu(" + model.device().getDeviceId() + ")" : "cpu");
    }

    @GetMapping("/v1/model")
    ModelInfo model() {
        return info;
    }
}
