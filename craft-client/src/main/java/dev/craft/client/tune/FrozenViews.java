package dev.craft.client.tune;

import dev.craft.client.refine.ViewRows;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The prompts of finished search stages ({@code --views}) and their logits: what the refinement
 * network reads beside the current prompt's, in search order. Empty with one view, and then every
 * row is the current prompt's logits alone.
 */
final class FrozenViews {

    private final int k;
    private final List<FrozenView> views = new ArrayList<>();
    /** Test logits of the views queried so far, by index (checkpointed with the evaluation count). */
    private final List<float[]> testLogits = new ArrayList<>();

    FrozenViews(int k) {
        this.k = k;
    }

    int count() {
        return views.size();
    }

    void add(FrozenView view) {
        views.add(view);
    }

    List<FrozenView> all() {
        return List.copyOf(views);
    }

    /** The views' training logits, each [N, K]: the context a collaborative fitness scores a candidate in. */
    List<float[]> trainLogits() {
        return views.stream().map(FrozenView::trainLogits).toList();
    }

    /** Input rows [N, (count + 1) * K]: the views' training logits, then {@code current}. */
    float[] trainRows(float[] current) {
        if (views.isEmpty()) {
            return current;
        }
        List<float[]> rows = new ArrayList<>(trainLogits());
        rows.add(current);
        return ViewRows.sideBySide(rows, k);
    }

    /**
     * {@link #trainRows} of every candidate, one after another, from their logits stacked as the box
     * returns them, [P, N, K] (with no view, those logits themselves).
     */
    float[] candidateRows(float[] stacked, int candidates) {
        if (views.isEmpty()) {
            return stacked;
        }
        float[][] logits = ViewRows.unstack(stacked, candidates);
        int size = logits[0].length * (views.size() + 1);
        float[] rows = new float[candidates * size];
        for (int c = 0; c < candidates; c++) {
            System.arraycopy(trainRows(logits[c]), 0, rows, c * size, size);
        }
        return rows;
    }

    /**
     * Test input rows: the views' test logits, then {@code current}. A view's test logits not known yet
     * are fetched with {@code query} (one evaluation query) and kept.
     */
    float[] testRows(float[] current, IntFunction<float[]> query) {
        if (views.isEmpty()) {
            return current;
        }
        List<float[]> rows = new ArrayList<>();
        for (int v = 0; v < views.size(); v++) {
            if (testLogits.size() == v) {
                testLogits.add(query.apply(v));
            }
            rows.add(testLogits.get(v));
        }
        rows.add(current);
        return ViewRows.sideBySide(rows, k);
    }

    /** The checkpoint's record of the views: their z in order; null with none. */
    List<double[]> zs() {
        return views.isEmpty() ? null : views.stream().map(FrozenView::z).toList();
    }

    /** The checkpoint's record of the test logits queried so far; null with none. */
    List<float[]> queriedTestLogits() {
        return testLogits.isEmpty() ? null : List.copyOf(testLogits);
    }

    /** Restores test logits a checkpoint recorded. */
    void restoreTestLogits(List<float[]> queried) {
        testLogits.clear();
        testLogits.addAll(queried);
    }
}
