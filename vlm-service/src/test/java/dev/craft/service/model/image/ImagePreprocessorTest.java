package dev.craft.service.model.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.craft.service.testsupport.SharedAssets;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

class ImagePreprocessorTest {

    /** Measured max abs difference to CLIP's reference output: 0.0 (bit-identical float32); small margin. */
    private static final double REFERENCE_TOLERANCE = 1e-6;

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void matchesClipReferenceTransform() {
        JsonNode reference = json.readTree(
                SharedAssets.require("assets/tokenizer/clip_reference_vectors.json").toFile());
        int size = reference.get("transform_resolution").asInt();
        JsonNode input = reference.get("transform_input");
        JsonNode expected = reference.get("transform_output");
        int height = input.size();
        int width = input.get(0).size();
        int[] hwc = new int[height * width * 3];
        for (int y = 0, i = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < 3; c++) {
                    hwc[i++] = input.get(y).get(x).get(c).asInt();
                }
            }
        }

        float[] chw = new ImagePreprocessor(ImagePreprocessing.clip(size)).preprocess(TestImages.rgb(width, height, hwc));

        // The reference output is stored HWC (32x32x3).
        assertThat(expected.size()).isEqualTo(size);
        assertThat(expected.get(0).get(0).size()).isEqualTo(3);
        double maxDiff = 0;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                for (int c = 0; c < 3; c++) {
                    double want = expected.get(y).get(x).get(c).asDouble();
                    maxDiff = Math.max(maxDiff, Math.abs(chw[c * size * size + y * size + x] - want));
                }
            }
        }
        assertThat(maxDiff).isLessThanOrEqualTo(REFERENCE_TOLERANCE);
    }

    /** Fixture from pillow_resize_cases.py: Pillow's 8-bit output for synthetic images of various shapes. */
    @Test
    void matchesPillowBytesExactlyOnSyntheticImages() throws IOException {
        JsonNode cases;
        try (InputStream in = getClass().getResourceAsStream("/image/pillow_resize_cases.json")) {
            cases = json.readTree(in);
        }
        assertThat(cases.size()).isGreaterThanOrEqualTo(10);
        for (JsonNode c : cases) {
            int width = c.get("width").asInt();
            int height = c.get("height").asInt();
            int size = c.get("size").asInt();
            boolean gray = c.get("mode").asString().equals("L");
            byte[] expected = Base64.getDecoder().decode(c.get("expected_hwc_base64").asString());
            BufferedImage image = syntheticImage(width, height, gray);

            RgbRaster actual = new ImagePreprocessor(ImagePreprocessing.clip(size)).resizeAndCrop(image);

            assertThat(actual.pixels).as("%dx%d -> %d %s", width, height, size, c.get("mode").asString())
                    .isEqualTo(expected);
        }
    }

    /** Same formula as pixel() in pillow_resize_cases.py. */
    private static BufferedImage syntheticImage(int width, int height, boolean gray) {
        int[] hwc = new int[width * height * 3];
        for (int y = 0, i = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < 3; c++) {
                    hwc[i++] = (x * x * 3 + y * 7 + x * y * 5 + (gray ? 0 : c) * 85) & 255;
                }
            }
        }
        BufferedImage rgb = TestImages.rgb(width, height, hwc);
        return gray ? TestImages.copyAs(rgb, BufferedImage.TYPE_BYTE_GRAY, 255) : rgb;
    }

    @Test
    void imageWhoseShorterSideIsAlreadyTheTargetIsOnlyCropped() {
        int size = 40;
        BufferedImage image = randomImage(64, size, new Random(7));

        RgbRaster cropped = new ImagePreprocessor(ImagePreprocessing.clip(size)).resizeAndCrop(image);

        int left = 12;
        int maxDiff = 0;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int[] source = image.getRaster().getPixel(left + x, y, new int[3]);
                for (int c = 0; c < 3; c++) {
                    maxDiff = Math.max(maxDiff, Math.abs((cropped.pixels[(y * size + x) * 3 + c] & 0xFF) - source[c]));
                }
            }
        }
        assertThat(maxDiff).isZero();
    }

    @Test
    void portraitImageIsCroppedToItsCentre() {
        int[] red = {255, 0, 0};
        int[] green = {0, 255, 0};
        int[] blue = {0, 0, 255};
        // 80x240 -> resized 40x120 -> crop rows 40..80, i.e. source rows 80..160: the green band.
        BufferedImage image = TestImages.solidBands(80, 240, red, green, blue);
        int size = 40;

        RgbRaster cropped = new ImagePreprocessor(ImagePreprocessing.clip(size)).resizeAndCrop(image);

        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int p = (y * size + x) * 3;
                int r = cropped.pixels[p] & 0xFF;
                int g = cropped.pixels[p + 1] & 0xFF;
                int b = cropped.pixels[p + 2] & 0xFF;
                boolean interior = y >= 2 && y < size - 2;
                if (interior) {
                    assertThat(new int[] {r, g, b}).as("row %d", y).containsExactly(green);
                } else {
                    assertThat(g).as("edge row %d", y).isGreaterThan(200);
                    assertThat(y == 0 ? r : b).as("edge row %d leaks the neighbouring band", y).isLessThan(60);
                }
            }
        }
    }

    @Test
    void writesIntoBatchAtOffsetOnly() {
        ImagePreprocessor preprocessor = new ImagePreprocessor(ImagePreprocessing.clip(16));
        BufferedImage image = randomImage(30, 20, new Random(1));
        int length = preprocessor.outputLength();
        float[] batch = new float[length * 3];
        Arrays.fill(batch, Float.NaN);

        preprocessor.preprocessInto(image, batch, length);

        assertThat(length).isEqualTo(3 * 16 * 16);
        assertThat(Arrays.copyOfRange(batch, length, 2 * length)).containsExactly(preprocessor.preprocess(image));
        assertThat(Arrays.copyOfRange(batch, 0, length)).containsOnly(Float.NaN);
        assertThat(Arrays.copyOfRange(batch, 2 * length, 3 * length)).containsOnly(Float.NaN);
        assertThatThrownBy(() -> preprocessor.preprocessInto(image, batch, 2 * length + 1))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void normalisesWithClipMeanAndStdInChannelMajorLayout() {
        BufferedImage white = TestImages.solidBands(8, 8, new int[] {255, 255, 255});
        float[] out = new ImagePreprocessor(ImagePreprocessing.clip(4)).preprocess(white);

        assertThat(out[0]).isCloseTo((1f - 0.48145466f) / 0.26862954f, within(1e-6f));
        assertThat(out[16]).isCloseTo((1f - 0.4578275f) / 0.26130258f, within(1e-6f));
        assertThat(out[32]).isCloseTo((1f - 0.40821073f) / 0.27577711f, within(1e-6f));
    }

    @Test
    void readsEveryCommonImageTypeAsTheSameRgbSamples() {
        BufferedImage reference = randomImage(37, 29, new Random(3));
        ImagePreprocessor preprocessor = new ImagePreprocessor(ImagePreprocessing.clip(12));
        float[] expected = preprocessor.preprocess(reference);

        for (int type : new int[] {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_BGR,
                BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_4BYTE_ABGR}) {
            // Semi-transparent: PIL's convert("RGB") drops alpha without compositing.
            BufferedImage copy = TestImages.copyAs(reference, type, 90);
            assertThat(preprocessor.preprocess(copy)).as("type %d", type).containsExactly(expected);
        }
        BufferedImage opaquePremultiplied = TestImages.copyAs(reference, BufferedImage.TYPE_INT_ARGB_PRE, 255);
        assertThat(preprocessor.preprocess(opaquePremultiplied)).containsExactly(expected);
        BufferedImage subImage = randomImage(50, 40, new Random(3)).getSubimage(5, 3, 37, 29);
        assertThat(preprocessor.preprocess(subImage))
                .containsExactly(preprocessor.preprocess(TestImages.copyAs(subImage, BufferedImage.TYPE_INT_RGB, 0)));
    }

    @Test
    void grayImagesKeepTheirRawValues() {
        BufferedImage gray = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setPixels(0, 0, 2, 2, new int[] {10, 10, 10, 10});

        RgbRaster cropped = new ImagePreprocessor(ImagePreprocessing.clip(2)).resizeAndCrop(gray);

        for (byte b : cropped.pixels) {
            assertThat(b & 0xFF).isEqualTo(10);
        }
    }

    private static BufferedImage randomImage(int width, int height, Random random) {
        int[] hwc = new int[width * height * 3];
        for (int i = 0; i < hwc.length; i++) {
            hwc[i] = random.nextInt(256);
        }
        return TestImages.rgb(width, height, hwc);
    }
}
