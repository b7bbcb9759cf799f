package dev.craft.service.model.image;

import java.util.Arrays;
import java.util.Locale;

/**
 * How an image becomes a model input: resize (shorter side to {@code size}), crop to {@code size x size}, scale to
 * [0, 1], then {@code (x - mean[c]) / std[c]} per RGB channel. Arrays are copied in and out.
 */
public record ImagePreprocessing(int size, float[] mean, float[] std, ResizeMode resize, CropMode crop) {

    private static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    private static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};

    public ImagePreprocessing {
        if (size < 1) {
            throw new IllegalArgumentException("size must be positive, got " + size);
        }
        if (mean == null || mean.length != 3 || std == null || std.length != 3) {
            throw new IllegalArgumentException("mean and std need exactly 3 (RGB) values");
        }
        for (float s : std) {
            if (!(s > 0f)) {
                throw new IllegalArgumentException("std values must be positive: " + Arrays.toString(std));
            }
        }
        if (resize == null || crop == null) {
            throw new IllegalArgumentException("resize and crop modes are required");
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** CLIP's preprocessing at resolution {@code size} (224 for ViT-B/32). */
    public static ImagePreprocessing clip(int size) {
        return new ImagePreprocessing(size, CLIP_MEAN, CLIP_STD, ResizeMode.BICUBIC_SHORTER_SIDE, CropMode.CENTER);
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    /** Length of one preprocessed image, {@code 3 * size * size}. */
    public int outputLength() {
        return 3 * size * size;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ImagePreprocessing o && size == o.size && Arrays.equals(mean, o.mean)
                && Arrays.equals(std, o.std) && resize == o.resize && crop == o.crop;
    }

    @Override
    public int hashCode() {
        return ((size * 31 + Arrays.hashCode(mean)) * 31 + Arrays.hashCode(std)) * 31 + resize.hashCode() * 7
                + crop.hashCode();
    }

    @Override
    public String toString() {
        return "ImagePreprocessing[size=" + size + ", mean=" + Arrays.toString(mean) + ", std="
                + Arrays.toString(std) + ", resize=" + resize.id() + ", crop=" + crop.id() + "]";
    }

    public enum ResizeMode {
        /** Shorter side to the target size, PIL bicubic (antialiased), as torchvision's {@code Resize(int)}. */
        BICUBIC_SHORTER_SIDE("bicubic-shorter-side");

        private final String id;

        ResizeMode(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static ResizeMode fromId(String id) {
            for (ResizeMode mode : values()) {
                if (mode.id.equals(id.toLowerCase(Locale.ROOT))) {
                    return mode;
                }
            }
            throw new IllegalArgumentException("Unknown resize mode: " + id);
        }
    }

    public enum CropMode {
        /** torchvision's {@code CenterCrop}. */
        CENTER("center");

        private final String id;

        CropMode(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static CropMode fromId(String id) {
            for (CropMode mode : values()) {
                if (mode.id.equals(id.toLowerCase(Locale.ROOT))) {
                    return mode;
                }
            }
            throw new IllegalArgumentException("Unknown crop mode: " + id);
        }
    }
}
