package dev.craft.service.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import ai.djl.translate.NoopTranslator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One TorchScript file loaded once through DJL's PyTorch engine, run in inference mode. */
public final class TorchScriptModule implements AutoCloseable {

    private final ZooModel<NDList, NDList> model;

    private TorchScriptModule(ZooModel<NDList, NDList> model) {
        this.model = model;
    }

    public static TorchScriptModule load(Path file, Device device) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidBundleException("missing TorchScript file " + file);
        }
        Criteria<NDList, NDList> criteria = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelPath(file)
                .optEngine("PyTorch")
                .optDevice(device)
                .optOption("mapLocation", "true")
                .optTranslator(new NoopTranslator())
                .build();
        try {
            return new TorchScriptModule(criteria.loadModel());
        } catch (IOException | ModelNotFoundException | MalformedModelException e) {
            throw new InvalidBundleException("cannot load TorchScript " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs the module. The outputs belong to the NDManager of the inputs; the caller closes them.
     */
    public NDList forward(NDList inputs) {
        return model.getBlock().forward(new ParameterStore(inputs.head().getManager(), false), inputs, false);
    }

    @Override
    public void close() {
        model.close();
    }
}
