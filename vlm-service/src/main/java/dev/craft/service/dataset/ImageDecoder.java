package dev.craft.service.dataset;

import dev.craft.api.ProblemTypes;
import dev.craft.service.problem.ApiException;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;

/**
 * Decodes uploaded image bytes safely: the declared size is checked before any pixel is decoded
 * (decompression bombs), and a truncated or corrupt file is an error naming the file, never a 500.
 */
public final class ImageDecoder {

    private final long maxPixels;

    public ImageDecoder(long maxPixels) {
        this.maxPixels = maxPixels;
    }

    public BufferedImage decode(String name, byte[] bytes) {
        if (bytes.length == 0) {
            throw invalid(name, "is empty");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw invalid(name, "is not an image in a supported format (JPEG, PNG, BMP, GIF, TIFF, WBMP)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long width = reader.getWidth(0);
                long height = reader.getHeight(0);
                if (width <= 0 || height <= 0) {
                    throw invalid(name, "declares no pixels");
                }
                if (width * height > maxPixels) {
                    throw invalid(name, "declares " + width + " x " + height + " pixels, more than the limit of "
                            + maxPixels);
                }
                StringBuilder warnings = new StringBuilder();
                reader.addIIOReadWarningListener((source, warning) -> warnings.append(warning));
                BufferedImage image = reader.read(0);
                if (!warnings.isEmpty()) {
                    throw invalid(name, "is damaged: " + warnings);
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (ApiException e) {
            throw e;
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw invalid(name, "could not be decoded (" + why + ")");
        }
    }

    static ApiException invalid(String name, String problem) {
        return ApiException.badRequest(ProblemTypes.INVALID_IMAGE, "image '" + name + "' " + problem);
    }
}
