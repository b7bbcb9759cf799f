package dev.craft.service.predict;

import dev.craft.api.ApiHeaders;
import dev.craft.api.CraftMediaTypes;
import dev.craft.api.PredictFrame;
import dev.craft.api.PredictRequest;
import dev.craft.api.ProblemTypes;
import dev.craft.service.auth.CurrentTenant;
import dev.craft.service.problem.ApiException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /v1/predict}: JSON or binary frame in; JSON logits by default, the binary tensor when
 * the client sends {@code Accept: application/x-craft-tensor}.
 */
@RestController
class PredictController {

    private final PredictService service;
    private final JsonMapper json;

    PredictController(PredictService service, JsonMapper json) {
        this.service = service;
        this.json = json;
    }

    @PostMapping(path = "/v1/predict", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = {MediaType.APPLICATION_JSON_VALUE, CraftMediaTypes.TENSOR})
    ResponseEntity<ComputedLogits> predictJson(@RequestBody PredictRequest request,
                                               @RequestHeader(name = ApiHeaders.IDEMPOTENCY_KEY, required = false) String key) {
        return MeteredResponses.of(service.predict(CurrentTenant.get(), request, null, key));
    }

    @PostMapping(path = "/v1/predict", consumes = CraftMediaTypes.PREDICT_FRAME,
            produces = {CraftMediaTypes.TENSOR, MediaType.APPLICATION_JSON_VALUE})
    ResponseEntity<ComputedLogits> predictBinary(@RequestBody PredictFrame frame,
                                                 @RequestHeader(name = ApiHeaders.IDEMPOTENCY_KEY, required = false) String key) {
        PredictRequest header;
        try {
            header = json.readValue(frame.headerJson(), PredictRequest.class);
        } catch (JacksonException e) {
            throw ApiException.badRequest(ProblemTypes.MALFORMED_REQUEST,
                    "the frame's JSON header is invalid: " + e.getOriginalMessage());
        }
        if (header == null || header.prompts() != null) {
            throw ApiException.badRequest(ProblemTypes.MALFORMED_REQUEST,
                    "the frame's JSON header must be an object without 'prompts' (they follow as a tensor)");
        }
        return MeteredResponses.of(service.predict(CurrentTenant.get(), header, frame.prompts(), key));
    }
}
