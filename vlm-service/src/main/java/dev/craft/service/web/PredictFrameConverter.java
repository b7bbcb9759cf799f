package dev.craft.service.web;

import dev.craft.api.CraftMediaTypes;
import dev.craft.api.PredictFrame;
import dev.craft.api.TensorFormatException;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.HttpOutputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.converter.AbstractHttpMessageConverter;
import org.springframework.http.converter.HttpMessageNotReadableException;

import java.io.BufferedInputStream;
import java.io.IOException;

/** Reads a binary predict request ({@value CraftMediaTypes#PREDICT_FRAME}). */
class PredictFrameConverter extends AbstractHttpMessageConverter<PredictFrame> {

    private final long maxPromptValues;

    PredictFrameConverter(long maxPromptValues) {
        super(MediaType.parseMediaType(CraftMediaTypes.PREDICT_FRAME));
        this.maxPromptValues = maxPromptValues;
    }

    @Override
    protected boolean supports(Class<?> clazz) {
        return PredictFrame.class.equals(clazz);
    }

    @Override
    protected boolean canWrite(MediaType mediaType) {
        return false;
    }

    @Override
    protected PredictFrame readInternal(Class<? extends PredictFrame> clazz, HttpInputMessage input) throws IOException {
        try {
            return PredictFrame.read(new BufferedInputStream(input.getBody(), 1 << 16), maxPromptValues);
        } catch (TensorFormatException e) {
            throw new HttpMessageNotReadableException(e.getMessage(), e, input);
        }
    }

    @Override
    protected void writeInternal(PredictFrame frame, HttpOutputMessage output) {
        throw new UnsupportedOperationException("the service never sends predict frames");
    }
}
