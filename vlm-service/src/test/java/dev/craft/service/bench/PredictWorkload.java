package dev.craft.service.bench;

import dev.craft.api.Tensor;

import java.util.Arrays;

/**
 * Predict requests of one shape against one service: a dataset of N generated images and a class set of K classes
 * created on it once, and the same P prompt offsets in every request (each with a fresh idempotency key, as craft
 * sends them, so each is charged).
 */
final class PredictWorkload {

    private static final int IMAGE_SEED = 7 * 100_000;

    private final PredictCalls calls;
    private final ReplicaOptions.Shape shape;
    private final String datasetId;
    private final PredictCalls.ClassSet classSet;
    private final float[] prompts;

    private PredictWorkload(PredictCalls calls, ReplicaOptions.Shape shape, String datasetId,
                            PredictCalls.ClassSet classSet) {
        this.calls = calls;
        this.shape = shape;
        this.datasetId = datasetId;
        this.classSet = classSet;
        this.prompts = ServiceOverheadBenchmark.promptOffsets(shape.prompts(), classSet.promptSize());
    }

    static PredictWorkload prepare(ServiceProcess service, ReplicaOptions.Shape shape) {
        PredictCalls calls = new PredictCalls(service.http());
        String datasetId = calls.uploadDataset(shape.images(), IMAGE_SEED);
        PredictCalls.ClassSet classSet = calls.classSet(ServiceOverheadBenchmark.classNames(shape.classes()));
        return new PredictWorkload(calls, shape, datasetId, classSet);
    }

    /** The same requests to another replica on the same database and features dir, which sees the same ids. */
    PredictWorkload on(ServiceProcess replica) {
        return new PredictWorkload(new PredictCalls(replica.http()), shape, datasetId, classSet);
    }

    /** One predict; fails unless the service answered logits of the expected shape. */
    void predict() {
        Tensor logits = calls.binary(datasetId, classSet.id(), prompts, shape.prompts(), classSet.promptSize()).logits();
        int[] expected = {shape.prompts(), shape.images(), shape.classes()};
        if (!Arrays.equals(logits.shape(), expected)) {
            throw new IllegalStateException("logits of shape " + Arrays.toString(logits.shape()) + ", expected "
                    + Arrays.toString(expected));
        }
    }
}
