package dev.craft.client.tuned;

import dev.craft.api.ModelInfo;
import dev.craft.client.DjlRuntime;
import dev.craft.client.refine.RefinementMlp;
import dev.craft.client.refine.ViewRows;
import dev.craft.client.service.PredictResult;
import dev.craft.client.service.VlmClient;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A tuned artefact in use against the black box: the prompt offset goes to the service with the
 * tuned class set, and the returned logits pass through the local refinement network. An artefact
 * with V views sends V offsets (V queries) and refines their logits side by side.
 */
public final class TunedClassifier implements AutoCloseable {

    private final TunedModel model;
    private final RefinementMlp refiner;
    private final VlmClient client;
    private final String classSetId;

    private TunedClassifier(TunedModel model, RefinementMlp refiner, VlmClient client, String classSetId) {
        this.model = model;
        this.refiner = refiner;
        this.client = client;
        this.classSetId = classSetId;
    }

    /** Opens RUN_DIR/tuned and checks that the service still serves the model it was tuned on. */
    public static TunedClassifier open(Path tunedDir, VlmClient client) throws IOException {
        TunedModel model = TunedModel.read(tunedDir);
        ModelInfo served = client.model();
        if (!served.modelId().equals(model.info().modelId())) {
            throw new IllegalStateException("the artefact was tuned on model " + model.info().modelId()
                    + " but the service serves " + served.modelId());
        }
        DjlRuntime.configure();
        RefinementMlp refiner = model.openRefiner(tunedDir);
        String classSetId;
        try {
            classSetId = client.createClassSet(model.info().classNames(), model.info().template()).classSetId();
        } catch (RuntimeException e) {
            if (refiner != null) {
                refiner.close();
            }
            throw e;
        }
        return new TunedClassifier(model, refiner, client, classSetId);
    }

    /** Queries one prediction costs: one per view. */
    public int views() {
        return model.info().views();
    }

    public List<String> classNames() {
        return model.info().classNames();
    }

    /** Refined logits [N, K] of an uploaded dataset (one query per view, in one request). */
    public float[] logitsOfDataset(String datasetId) {
        int views = model.info().views();
        PredictResult result = client.predict(datasetId, classSetId, model.prompt(), views,
                model.prompt().length / views);
        return refine(List.of(ViewRows.unstack(result.logits().data(), views)));
    }

    /** Refined logits [B, K] of images sent inline through /v1/classify (one query per view). */
    public float[] logitsOfImages(List<Path> images) {
        List<float[]> byView = new ArrayList<>();
        for (int v = 0; v < model.info().views(); v++) {
            byView.add(client.classify(classSetId, images, model.prompt(v)).logits().data());
        }
        return refine(byView);
    }

    private float[] refine(List<float[]> byView) {
        int k = classNames().size();
        float[] inputs = ViewRows.sideBySide(byView, k);
        int n = inputs.length / (k * byView.size());
        return refiner == null ? ViewRows.lastView(inputs, n, k) : refiner.refine(inputs, n);
    }

    /** Releases the local network and removes the class set this session created on the service. */
    @Override
    public void close() {
        try {
            client.deleteClassSet(classSetId);
        } finally {
            if (refiner != null) {
                refiner.close();
            }
        }
    }
}
