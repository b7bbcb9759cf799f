package dev.craft.service.web;

import dev.craft.api.CraftMediaTypes;
import dev.craft.api.LogitsResponse;
import dev.craft.api.TensorCodec;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.HttpOutputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.converter.AbstractHttpMessageConverter;
import org.springframework.http.converter.HttpMessageNotReadableException;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Writes logits as one binary tensor ({@value CraftMediaTypes#TENSOR}), the fast path for large answers. */
class LogitsTensorConverter extends AbstractHttpMessageConverter<LogitsResponse> {

    LogitsTensorConverter() {
        super(MediaType.parseMediaType(CraftMediaTypes.TENSOR));
    }

    @Override
    protected boolean supports(Class<?> clazz) {
        return LogitsResponse.class.equals(clazz);
    }

    @Override
    protected boolean canRead(MediaType mediaType) {
        return false;
    }

    @Override
    protected Long getContentLength(LogitsResponse logits, MediaType contentType) {
        return TensorCodec.encodedBytes(logits.shape());
    }

    @Override
    protected LogitsResponse readInternal(Class<? extends LogitsResponse> clazz, HttpInputMessage input) {
        throw new HttpMessageNotReadableException("logits are never sent to the service", input);
    }

    @Override
    protected void writeInternal(LogitsResponse logits, HttpOutputMessage output) throws IOException {
        OutputStream out = new BufferedOutputStream(output.getBody(), 1 << 16);
        TensorCodec.write(logits.shape(), logits.logits(), 0, out);
        out.flush();
    }
}
