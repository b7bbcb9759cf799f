package dev.craft.client.tune;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FrozenViewsTest {

    @Test
    void withoutViewsEveryRowIsTheCurrentPromptsLogits() {
        FrozenViews none = new FrozenViews(2);
        float[] current = {1, 2, 3, 4};
        assertThat(none.trainRows(current)).isSameAs(current);
        assertThat(none.testRows(current, v -> {
            throw new AssertionError("no view to query");
        })).isSameAs(current);
        float[] stacked = {1, 2, 3, 4};
        assertThat(none.candidateRows(stacked, 2)).isSameAs(stacked);
        assertThat(none.zs()).isNull();
        assertThat(none.queriedTestLogits()).isNull();
    }

    @Test
    void rowsPutTheFrozenViewsFirstAndEachViewsTestLogitsAreQueriedOnce() {
        FrozenViews views = new FrozenViews(2);
        views.add(new FrozenView(new double[] {0.5}, new float[] {9}, new float[] {1, 2, 3, 4}));
        // two samples of K = 2: [frozen | current] per sample
        assertThat(views.trainRows(new float[] {5, 6, 7, 8})).containsExactly(1, 2, 5, 6, 3, 4, 7, 8);
        assertThat(views.candidateRows(new float[] {5, 6, 7, 8, 0, 0, 0, 0}, 2))
                .containsExactly(1, 2, 5, 6, 3, 4, 7, 8, 1, 2, 0, 0, 3, 4, 0, 0);

        List<Integer> queried = new ArrayList<>();
        float[] first = views.testRows(new float[] {5, 6}, v -> {
            queried.add(v);
            return new float[] {1, 2};
        });
        float[] second = views.testRows(new float[] {7, 8}, v -> {
            queried.add(v);
            return new float[] {0, 0};
        });
        assertThat(first).containsExactly(1, 2, 5, 6);
        assertThat(second).containsExactly(1, 2, 7, 8);
        assertThat(queried).containsExactly(0);

        // what a checkpoint keeps is what a restored run reads instead of querying again
        FrozenViews restored = new FrozenViews(2);
        restored.add(views.all().get(0));
        restored.restoreTestLogits(views.queriedTestLogits());
        assertThat(restored.testRows(new float[] {7, 8}, v -> {
            throw new AssertionError("queried again after a restore");
        })).containsExactly(1, 2, 7, 8);
        assertThat(views.zs()).singleElement().satisfies(z -> assertThat(z).containsExactly(0.5));
    }
}
