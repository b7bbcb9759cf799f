package dev.craft.service.dataset;

import java.io.IOException;

/** The images of one upload, delivered one at a time so that an upload is never all in memory. */
@FunctionalInterface
public interface ImageSource {

    void forEach(ImageSink sink) throws IOException;

    @FunctionalInterface
    interface ImageSink {
        void accept(UploadedImage image);
    }
}
