package dev.craft.service.web;

import dev.craft.api.CraftMediaTypes;
import dev.craft.api.TensorCodec;
import dev.craft.service.predict.ComputedLogits;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.HttpOutputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.converter.AbstractHttpMessageConverter;
import org.springframework.http.converter.HttpMessageNotReadableException;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes logits as one binary tensor ({@value CraftMediaTypes#TENSOR}), the fast path for large answers:
 * straight from the engine's memory to the response in large chunks, with no Java copy of the whole tensor.
 */
class LogitsTensorConverter extends AbstractHttpMessageConverter<ComputedLogits> {

    LogitsTensorConverter() {
        super(MediaType.parseMediaType(CraftMediaTypes.TENSOR));
    }

    @Override
    protected boolean supports(Class<?> clazz) {
        return ComputedLogits.class.equals(clazz);
    }

    @Override
    protected boolean canRead(MediaType mediaType) {
        return false;
    }

    @Override
    protected Long getContentLength(ComputedLogits logits, MediaType contentType) {
        return TensorCodec.encodedBytes(logits.shape());
    }

    @Override
    protected ComputedLogits readInternal(Class<? extends ComputedLogits> clazz, HttpInputMessage input) {
        throw new HttpMessageNotReadableException("logits are never sent to the service", input);
    }

    @Override
    protected void writeInternal(ComputedLogits logits, HttpOutputMessage output) throws IOException {
        OutputStream out = output.getBody();
        TensorCodec.write(logits.shape(), logits.values(), out);
        out.flush();
    }
}
