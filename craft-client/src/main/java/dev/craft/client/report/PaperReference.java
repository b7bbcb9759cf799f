package dev.craft.client.report;

import java.util.List;

/**
 * The paper's own results, for orientation beside ours. Only what the project's design notes quote
 * (../shared/design/ALGORITHM.md, "Protocol (paper section 4.1)"): means over the paper's 11
 * datasets, not per-dataset values, so none of them is comparable with a single dataset here; and the
 * models differ (CLIP RN50 / ViT-B/16 there, the served bundle here). Per-dataset values (e.g. DTD)
 * would go in this class, with their source, once a source in the repository gives them.
 */
final class PaperReference {

    static final String SOURCE = "CraFT paper (ICML 2024), section 4.1, as quoted in the project's design notes "
            + "(`../shared/design/ALGORITHM.md`, \"Protocol\"): the mean over its 11 datasets";

    /** @param accuracy test accuracy in % */
    record Entry(String model, String method, int shots, double accuracy) {
    }

    /**
     * The notes give "RN50, 16 shots, mean of 11 datasets: ZS 58.77, BBT 65.40, CraFT 71.22 (1 shot:
     * 50.17 / 59.49)" — the 1-shot pair read in the order BBT / CraFT — and "ViT-B/16: ZS 65.23,
     * BBT 72.42, CraFT 75.76" (16 shots).
     */
    static final List<Entry> ENTRIES = List.of(
            new Entry("CLIP RN50", "ZS", 0, 58.77),
            new Entry("CLIP RN50", "BBT", 1, 50.17),
            new Entry("CLIP RN50", "CraFT", 1, 59.49),
            new Entry("CLIP RN50", "BBT", 16, 65.40),
            new Entry("CLIP RN50", "CraFT", 16, 71.22),
            new Entry("CLIP ViT-B/16", "ZS", 0, 65.23),
            new Entry("CLIP ViT-B/16", "BBT", 16, 72.42),
            new Entry("CLIP ViT-B/16", "CraFT", 16, 75.76));

    private PaperReference() {
    }
}
