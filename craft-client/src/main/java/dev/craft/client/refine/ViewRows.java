package dev.craft.client.refine;

import java.util.Arrays;
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

    /**
     * The {@code count} arrays stacked one after another in {@code stacked}, as the box returns the
     * logits of several prompts ([P, N, K] into P arrays of [N, K]).
     */
    public static float[][] unstack(float[] stacked, int count) {
        if (count < 1 || stacked.length % count != 0) {
            throw new IllegalArgumentException(stacked.length + " values are not " + count + " equal parts");
        }
        int per = stacked.length / count;
        float[][] parts = new float[count][];
        for (int p = 0; p < count; p++) {
            parts[p] = Arrays.copyOfRange(stacked, p * per, (p + 1) * per);
        }
        return parts;
    }

    /**
     * The last view's logits [N, K] of rows [N, V*K]: the prediction when there is no refinement
     * network (a refit that chose 0 epochs), and the residual's base when there is one.
     */
    public static float[] lastView(float[] rows, int n, int k) {
        if (n == 0 || rows.length % (n * k) != 0) {
            throw new IllegalArgumentException(rows.length + " values are not rows of " + n + " samples of " + k
                    + " logits per view");
        }
        int width = rows.length / n;
        if (width == k) {
            return rows;
        }
        float[] last = new float[n * k];
        for (int i = 0; i < n; i++) {
            System.arraycopy(rows, i * width + width - k, last, i * k, k);
        }
        return last;
    }
}
