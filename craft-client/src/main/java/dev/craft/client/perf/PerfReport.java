package dev.craft.client.perf;

import java.util.List;

/**
 * What {@code craft bench-perf} writes (--out FILE, JSON) and prints as a table.
 *
 * @param service  the service URL
 * @param bundle   the served model's name ({@code GET /v1/model})
 * @param modelId  its model id
 * @param machine  the client's machine
 * @param setup    the tuning task every part measured
 * @param round    one CraFT round, averaged
 * @param endToEnd a full run, production client against one JSON request per candidate
 * @param artefact the tuned artefact against the served model
 */
public record PerfReport(String service, String bundle, String modelId, MachineInfo machine, Setup setup,
                         RoundProfile round, EndToEnd endToEnd, Artefact artefact) {

    /**
     * @param dataset       the dataset (split file or folder)
     * @param classes       K
     * @param trainImages   N, the few-shot training set
     * @param testImages    the test set of the evaluations
     * @param candidatesPerRound CMA-ES population (queries per round)
     * @param intrinsicDim  N of CMA-ES (dimension of z)
     * @param promptSize    L x d values of a prompt offset
     */
    public record Setup(String method, String preset, String dataset, int shots, long seed, int classes,
                        int trainImages, int testImages, int candidatesPerRound, int intrinsicDim, int promptSize) {
    }

    /**
     * The same run twice in one invocation: with the production client (every round's candidates in one
     * binary request) and one JSON request per candidate, as the paper's reference code queries its
     * model. Seconds are the training loop's ({@code wallSeconds} of report.json: zero-shot evaluation and
     * rounds); the job seconds add loading the dataset, the upload-cache check and writing the artefact.
     *
     * <p>The client learns the same way in both runs, but the service computes one prompt in a request of 1
     * and in a request of 40 with different batch sizes, so logits can differ in the last bits of a float;
     * a candidate ranking that such a difference flips makes the runs diverge from there on. The
     * comparison fields say how close the two runs stayed.
     *
     * @param speedup           referenceStyleSeconds / productionSeconds
     * @param accuracyMatches   the final test accuracies are equal
     * @param identicalLearning bit-identical learning: equal metrics.csv (all but the timing columns) and
     *                          byte-identical tuned/ prompt and refiner
     * @param samePrompt        byte-identical tuned/prompt.tensor (CMA-ES chose the same prompt)
     * @param maxFitnessRelDiff the largest relative difference between the runs' per-round best and mean fitness
     */
    public record EndToEnd(long budget, double productionSeconds, double referenceStyleSeconds, double speedup,
                           double productionJobSeconds, double referenceStyleJobSeconds,
                           double productionAccuracy, double referenceStyleAccuracy, boolean accuracyMatches,
                           boolean identicalLearning, boolean samePrompt, double maxFitnessRelDiff,
                           Requests requests) {
    }

    public record Requests(Traffic production, Traffic referenceStyle) {
    }

    /**
     * @param predictRequests HTTP requests to /v1/predict
     * @param queries         prompts in them (training and evaluation queries)
     * @param charged         queries the service charged the key meanwhile (GET /v1/usage before and after)
     */
    public record Traffic(long predictRequests, long queries, long charged) {
    }

    /**
     * @param tunedBytes        the files of tuned/ (what a user deploys next to the black box)
     * @param promptBytes       tuned/prompt.tensor (the prompt offset p = A z)
     * @param refinerBytes      tuned/refiner.tensors (the refinement MLP)
     * @param modelParameters   parameters of the served model (null when neither a bundle nor the service gave them)
     * @param modelBytes        those as float32
     * @param modelFileBytes    the counted bundle files on disk (null without --model-bundle)
     * @param modelParametersSource where the count comes from
     * @param modelParts        per file, with --model-bundle
     * @param ratio             tunedBytes / modelBytes
     * @param oneIn             modelBytes / tunedBytes (the artefact is 1/oneIn of the model)
     */
    public record Artefact(long tunedBytes, long promptBytes, long refinerBytes, Long modelParameters, Long modelBytes,
                           Long modelFileBytes, String modelParametersSource, List<ModelFootprint.Part> modelParts,
                           Double ratio, Double oneIn) {
    }
}
