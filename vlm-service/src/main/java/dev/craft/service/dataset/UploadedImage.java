package dev.craft.service.dataset;

/** One image file of an upload, read into memory (bounded by vlm.limits.max-image-bytes). */
public record UploadedImage(String name, byte[] bytes) {
}
