package dev.craft.service.model.image;

/** Size after resizing and the top-left corner of the square crop taken from the resized image. */
record ResizeCropGeometry(int resizedWidth, int resizedHeight, int cropLeft, int cropTop, int cropSize) {

    /**
     * torchvision's {@code Resize(size)} then {@code CenterCrop(size)}: the shorter side becomes {@code size}, the
     * longer {@code int(size * long / short)}; the crop offsets are {@code round((resized - size) / 2)} with
     * Python's round-half-to-even.
     */
    static ResizeCropGeometry shorterSideCenterCrop(int width, int height, int size) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("Empty image: " + width + "x" + height);
        }
        int resizedWidth;
        int resizedHeight;
        if (width <= height) {
            resizedWidth = size;
            resizedHeight = (int) ((double) size * height / width);
        } else {
            resizedHeight = size;
            resizedWidth = (int) ((double) size * width / height);
        }
        int left = (int) Math.rint((resizedWidth - size) / 2.0);
        int top = (int) Math.rint((resizedHeight - size) / 2.0);
        return new ResizeCropGeometry(resizedWidth, resizedHeight, left, top, size);
    }
}
