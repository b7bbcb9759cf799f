package dev.craft.client.refine;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ViewRowsTest {

    @Test
    void putsEachSamplesViewsSideBySideInViewOrder() {
        float[] first = {1, 2, 3, 4};     // 2 samples of K = 2
        float[] second = {5, 6, 7, 8};
        assertThat(ViewRows.sideBySide(List.of(first, second), 2)).containsExactly(1, 2, 5, 6, 3, 4, 7, 8);
        assertThat(ViewRows.sideBySide(List.of(first), 2)).isSameAs(first);
        RefinerConfig twoViews = RefinerConfig.paper(2).withViews(2);
        assertThat(twoViews.baseView(ViewRows.sideBySide(List.of(first, second), 2))).containsExactly(second);
        assertThat(twoViews.inputWidth()).isEqualTo(4);
    }

    @Test
    void aConfigWrittenBeforeViewsExistedReadsAsOneView() {
        tools.jackson.databind.json.JsonMapper json = tools.jackson.databind.json.JsonMapper.builder().build();
        String written = json.writeValueAsString(RefinerConfig.paper(4)).replace(",\"views\":1", "");
        assertThat(written).doesNotContain("views");
        assertThat(json.readValue(written, RefinerConfig.class)).isEqualTo(RefinerConfig.paper(4));
        assertThat(json.readValue(json.writeValueAsString(RefinerConfig.paper(4).withViews(3)), RefinerConfig.class)
                .views()).isEqualTo(3);
    }

    @Test
    void theLastViewIsThePredictionWithoutANetwork() {
        float[] rows = ViewRows.sideBySide(List.of(new float[] {1, 2, 3, 4}, new float[] {5, 6, 7, 8}), 2);
        assertThat(ViewRows.lastView(rows, 2, 2)).containsExactly(5, 6, 7, 8);
        float[] single = {1, 2, 3, 4};
        assertThat(ViewRows.lastView(single, 2, 2)).isSameAs(single);
        assertThatThrownBy(() -> ViewRows.lastView(new float[5], 2, 2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unstackSplitsThePromptsOfOneAnswer() {
        float[][] parts = ViewRows.unstack(new float[] {1, 2, 3, 4, 5, 6}, 3);
        assertThat(parts).hasDimensions(3, 2);
        assertThat(parts[2]).containsExactly(5, 6);
        assertThatThrownBy(() -> ViewRows.unstack(new float[5], 2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void viewsOfDifferentSizesAreRejected() {
        assertThatThrownBy(() -> ViewRows.sideBySide(List.of(new float[4], new float[6]), 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("view 1 has 6 logits, expected 4");
        assertThatThrownBy(() -> ViewRows.sideBySide(List.of(), 2)).isInstanceOf(IllegalArgumentException.class);
    }
}
