package dev.craft.service.dataset;

import dev.craft.api.Tensor;
import dev.craft.service.VlmProperties;
import dev.craft.service.compute.ComputeGate;
import dev.craft.service.model.DualEncoderModel;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes, preprocesses and encodes the images of a source in batches. Decoding runs outside the
 * compute gate; each batch's forward pass takes the gate, so a long upload does not starve predicts.
 * The batch is the largest, up to vlm.compute.image-batch, whose features this machine computes the same as
 * one image at a time ({@link ImageBatchCheck}, run once at start-up).
 */
@Component
public class ImageEncoding {

    private static final Logger log = LoggerFactory.getLogger(ImageEncoding.class);

    private final DualEncoderModel model;
    private final ComputeGate gate;
    private final ImageDecoder decoder;
    private final int pixelsPerImage;
    private final int batchSize;
    private final Counter encoded;

    public ImageEncoding(DualEncoderModel model, ComputeGate gate, VlmProperties properties, MeterRegistry registry) {
        this.model = model;
        this.gate = gate;
        this.decoder = new ImageDecoder(properties.limits().maxImagePixels());
        this.pixelsPerImage = 3 * model.imageSize() * model.imageSize();
        int configured = properties.compute().imageBatch();
        this.batchSize = ImageBatchCheck.largestAgreeingBatch(configured, pixelsPerImage, model::encodeImages,
                log::warn);
        log.info("Image encoder: up to {} images per forward (vlm.compute.image-batch={}), checked against one-image"
                + " forwards", batchSize, configured);
        this.encoded = Counter.builder("vlm.images.encoded")
                .description("Images run through the image encoder")
                .register(registry);
    }

    /** Normalised features [N, E] of every image, in source order, with the names in {@code names}. */
    public Tensor encode(ImageSource source, List<String> names) throws IOException {
        float[] batch = new float[batchSize * pixelsPerImage];
        List<float[]> encodedBatches = new ArrayList<>();
        int[] inBatch = {0};
        source.forEach(image -> {
            model.preprocessor().preprocessInto(decoder.decode(image.name(), image.bytes()), batch,
                    inBatch[0] * pixelsPerImage);
            names.add(image.name());
            if (++inBatch[0] == batchSize) {
                encodedBatches.add(encodeBatch(batch, inBatch[0]));
                inBatch[0] = 0;
            }
        });
        if (inBatch[0] > 0) {
            encodedBatches.add(encodeBatch(batch, inBatch[0]));
        }
        return concatenate(encodedBatches, names.size(), model.embedDim());
    }

    private float[] encodeBatch(float[] batch, int count) {
        float[] features = gate.run(() -> model.encodeImages(count == batchSize ? batch
                : java.util.Arrays.copyOf(batch, count * pixelsPerImage), count));
        encoded.increment(count);
        return features;
    }

    private static Tensor concatenate(List<float[]> batches, int n, int e) {
        float[] all = new float[n * e];
        int pos = 0;
        for (float[] part : batches) {
            System.arraycopy(part, 0, all, pos, part.length);
            pos += part.length;
        }
        return new Tensor(new int[] {n, e}, all);
    }
}
