package dev.craft.client.refine;

import java.util.List;

/**
 * Input rows of a refinement network that reads several prompts ("views"): the K logits of each
 * view side by side, [f_1 | ... | f_V] per sample, the last view last ({@link RefinerConfig}).
 */
public final class ViewRows {

    private ViewRows() {
    }

    /** Rows [N, V*K] from V arrays of logits [N, K] (with one view, that view itself). */
    public static float[] sideBySide(List<float[]> views, int k) {
        if (views.isEmpty()) {
            throw new IllegalArgumentException("no views to put side by side");
        }
        if (views.size() == 1) {
            return views.get(0);
        }
        int n = views.get(0).length / k;
        int v = views.size();
        float[] rows = new float[n * v * k];
        for (int j = 0; j < v; j++) {
            float[] view = views.get(j);
            if (view.length != n * k) {
                throw new IllegalArgumentException("view " + j + " has " + view.length + " logits, expected " + n * k);
            }
            for (int i = 0; i < n; i++) {
                System.arraycopy(view, i * k, rows, (i * v + j) * k, k);
            }
        }
        return rows;
    }
}
