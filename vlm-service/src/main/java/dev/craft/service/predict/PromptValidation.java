package dev.craft.service.predict;

import dev.craft.api.ProblemTypes;
import dev.craft.api.Tensor;
import dev.craft.service.VlmProperties;
import dev.craft.service.classset.ClassPrompts;
import dev.craft.service.problem.ApiException;

import java.util.Arrays;

/** Checks prompt offsets against the class set's L x d and the limits; NaN and infinities are refused. */
final class PromptValidation {

    private PromptValidation() {
    }

    static PromptBatch fromRows(float[][] rows, ClassPrompts classes, VlmProperties.Limits limits) {
        if (rows == null || rows.length == 0) {
            throw shape("prompts must hold at least one prompt offset of L x d = " + classes.promptSize() + " values");
        }
        checkCount(rows.length, limits);
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] == null || rows[i].length != classes.promptSize()) {
                throw shape("prompt " + i + " has " + (rows[i] == null ? 0 : rows[i].length) + " values; this class set needs L x d = "
                        + classes.contextTokens() + " x " + classes.tokenWidth() + " = " + classes.promptSize());
            }
        }
        return finite(new PromptBatch(rows.length, LogitsComputer.flatten(rows)));
    }

    static PromptBatch fromTensor(Tensor tensor, ClassPrompts classes, VlmProperties.Limits limits) {
        int[] s = tensor.shape();
        boolean matrix = s.length == 2 && s[1] == classes.promptSize();
        boolean cube = s.length == 3 && s[1] == classes.contextTokens() && s[2] == classes.tokenWidth();
        if (!(matrix || cube) || s[0] == 0) {
            throw shape("prompts tensor has shape " + Arrays.toString(s) + "; this class set needs [P, "
                    + classes.contextTokens() + ", " + classes.tokenWidth() + "] or [P, " + classes.promptSize()
                    + "] with P >= 1");
        }
        checkCount(s[0], limits);
        return finite(new PromptBatch(s[0], tensor.data()));
    }

    private static void checkCount(int count, VlmProperties.Limits limits) {
        if (count > limits.maxPromptsPerRequest()) {
            throw shape(count + " prompts in one request; at most " + limits.maxPromptsPerRequest() + " are allowed");
        }
    }

    private static PromptBatch finite(PromptBatch batch) {
        if (!LogitsComputer.allFinite(batch.values())) {
            throw ApiException.badRequest(ProblemTypes.NON_FINITE_VALUE, "prompt offsets contain NaN or infinite values");
        }
        return batch;
    }

    private static ApiException shape(String detail) {
        return ApiException.badRequest(ProblemTypes.INVALID_PROMPT_SHAPE, detail);
    }
}
