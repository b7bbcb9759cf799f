package dev.craft.client.refine;

/** How many labelled samples each class has; shared by the checks of what a few-shot set supports. */
public final class ClassCounts {

    private ClassCounts() {
    }

    /** The number of samples of the rarest of the {@code k} classes (0 when a class has none). */
    public static int fewest(int[] labels, int k) {
        int[] count = new int[k];
        for (int y : labels) {
            count[y]++;
        }
        int fewest = Integer.MAX_VALUE;
        for (int c : count) {
            fewest = Math.min(fewest, c);
        }
        return k == 0 ? 0 : fewest;
    }
}
