package dev.craft.client.tune;

import dev.craft.client.service.RetryPolicy;

import java.net.URI;
import java.nio.file.Path;

/**
 * What the user asked for on the command line.
 *
 * @param split       a CoOp split file, or null to detect the layout of {@code dataset}
 * @param residual    null = the preset's choice; false = the "no residual" ablation
 * @param linear      the "linear g" ablation
 * @param uploadCache where dataset ids are cached by content hash
 * @param retry       how failed calls to the service are repeated
 * @param finalRefit  null = the preset's choice
 * @param consistency the KL terms' weight and cutoff over the preset's
 * @param views       prompts the refinement network reads (pgpr and craft); null = 1
 */
public record TuneRequest(URI service, String apiKey, Path dataset, Path split, int shots, long seed, Method method,
                          long budget, Path out, int evalEvery, Preset preset, String currentPrompt, boolean resume,
                          String template, Boolean residual, boolean linear, Path uploadCache, RetryPolicy retry,
                          FinalRefit finalRefit, ConsistencyOverride consistency,
                          Integer views) {

    public TuneRequest {
        if (consistency == null) {
            consistency = ConsistencyOverride.NONE;
        }
    }
}
