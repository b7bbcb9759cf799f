package dev.craft.service.model.image;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResizeCropGeometryTest {

    @Test
    void landscapeKeepsHeightAtSizeAndTruncatesWidth() {
        // 224 * 500 / 333 = 336.33
        assertThat(ResizeCropGeometry.shorterSideCenterCrop(500, 333, 224))
                .isEqualTo(new ResizeCropGeometry(336, 224, 56, 0, 224));
    }

    @Test
    void portraitKeepsWidthAtSize() {
        assertThat(ResizeCropGeometry.shorterSideCenterCrop(375, 500, 224))
                .isEqualTo(new ResizeCropGeometry(224, 298, 0, 37, 224));
    }

    @Test
    void cropOffsetRoundsHalfToEvenLikePython() {
        assertThat(ResizeCropGeometry.shorterSideCenterCrop(33, 34, 33).cropTop()).isZero();
        assertThat(ResizeCropGeometry.shorterSideCenterCrop(33, 36, 33).cropTop()).isEqualTo(2);
        assertThat(ResizeCropGeometry.shorterSideCenterCrop(38, 33, 33).cropLeft()).isEqualTo(2);
    }

    @Test
    void squareImageNeedsNoCrop() {
        assertThat(ResizeCropGeometry.shorterSideCenterCrop(640, 640, 224))
                .isEqualTo(new ResizeCropGeometry(224, 224, 0, 0, 224));
    }
}
