package dev.craft.service.predict;

import dev.craft.api.ApiHeaders;
import dev.craft.api.CraftMediaTypes;
import dev.craft.api.ProblemTypes;
import dev.craft.api.TensorCodec;
import dev.craft.api.TensorFormatException;
import dev.craft.service.VlmProperties;
import dev.craft.service.auth.CurrentTenant;
import dev.craft.service.dataset.UploadedImage;
import dev.craft.service.problem.ApiException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import jakarta.servlet.http.Part;
import org.springframework.web.multipart.MultipartFile;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/classify} (multipart): {@code images} (repeated), {@code classSetId}, and optionally
 * {@code prompt}: the offset as a JSON array of L*d numbers (form field or file part) or as a binary
 * tensor part.
 */
@RestController
class ClassifyController {

    private final ClassifyService service;
    private final JsonMapper json;
    private final VlmProperties.Limits limits;

    ClassifyController(ClassifyService service, JsonMapper json, VlmProperties properties) {
        this.service = service;
        this.json = json;
        this.limits = properties.limits();
    }

    @PostMapping(path = "/v1/classify", consumes = MediaType.MULTIPART_FORM_DATA_VALUE,
            produces = {MediaType.APPLICATION_JSON_VALUE, CraftMediaTypes.TENSOR})
    ResponseEntity<ComputedLogits> classify(@RequestParam("classSetId") String classSetId,
                                            @RequestPart(name = "images", required = false) List<MultipartFile> images,
                                            @RequestPart(name = "prompt", required = false) Part prompt,
                                            @RequestHeader(name = ApiHeaders.IDEMPOTENCY_KEY, required = false) String key)
            throws IOException {
        List<UploadedImage> inline = new ArrayList<>();
        if (images != null) {
            if (images.size() > limits.maxClassifyImages()) {
                throw ApiException.badRequest(ProblemTypes.TOO_MANY_IMAGES, images.size()
                        + " images; classify takes at most " + limits.maxClassifyImages() + " per request");
            }
            for (int i = 0; i < images.size(); i++) {
                MultipartFile part = images.get(i);
                String name = part.getOriginalFilename() == null ? "image-" + i : part.getOriginalFilename();
                if (part.getSize() > limits.maxImageBytes()) {
                    throw new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, ProblemTypes.PAYLOAD_TOO_LARGE,
                            "image '" + name + "' is larger than " + limits.maxImageBytes() + " bytes");
                }
                inline.add(new UploadedImage(name, part.getBytes()));
            }
        }
        return MeteredResponses.of(service.classify(CurrentTenant.get(), classSetId, inline, readPrompt(prompt), key));
    }

    /** The prompt part: a form field or file holding a JSON array, or a binary tensor file part. */
    private float[] readPrompt(Part part) throws IOException {
        if (part == null || part.getSize() == 0) {
            return null;
        }
        boolean binary = part.getContentType() != null
                && MediaType.parseMediaType(part.getContentType()).isCompatibleWith(MediaType.parseMediaType(CraftMediaTypes.TENSOR));
        try (InputStream in = part.getInputStream()) {
            if (binary) {
                return TensorCodec.read(in, 1 << 24).data();
            }
            return json.readValue(in, float[].class);
        } catch (TensorFormatException | JacksonException e) {
            throw ApiException.badRequest(ProblemTypes.MALFORMED_REQUEST,
                    "part 'prompt' must be a JSON array of numbers or a binary tensor: "
                            + (e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage()));
        }
    }
}
