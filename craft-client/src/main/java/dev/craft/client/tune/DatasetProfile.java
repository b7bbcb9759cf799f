package dev.craft.client.tune;

import java.util.Locale;

/**
 * The per-dataset values the reference code uses (ALGORITHM.md, "Defaults: paper vs reference code"),
 * recognised from the dataset's split file or folder name.
 */
public enum DatasetProfile {
    DTD(0.001, 1.0, 0.02, true),
    EUROSAT(0.01, 1.0, 0.02, true),
    FGVC(0.1, 0.2, 0.02, false),
    OXFORD_PETS(0.1, 0.2, 0.02, true),
    FOOD101(1.0, 0.2, 1.0, false),
    IMAGENET(0.0, 0.2, 1.0, false),
    OTHER(0.1, 0.2, 1.0, true);

    private final double klWeight;
    private final double projectionStd;
    private final double sigma0;
    private final boolean bounded;

    DatasetProfile(double klWeight, double projectionStd, double sigma0, boolean bounded) {
        this.klWeight = klWeight;
        this.projectionStd = projectionStd;
        this.sigma0 = sigma0;
        this.bounded = bounded;
    }

    /** Recognises a dataset from a path or name such as "split_zhou_DescribableTextures.json". */
    public static DatasetProfile recognise(String name) {
        String n = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        if (n.contains("describabletextures") || n.contains("dtd")) {
            return DTD;
        }
        if (n.contains("eurosat")) {
            return EUROSAT;
        }
        if (n.contains("fgvc") || n.contains("aircraft")) {
            return FGVC;
        }
        if (n.contains("pets")) {
            return OXFORD_PETS;
        }
        if (n.contains("food101")) {
            return FOOD101;
        }
        if (n.contains("imagenet")) {
            return IMAGENET;
        }
        return OTHER;
    }

    public double klWeight() {
        return klWeight;
    }

    public double projectionStd() {
        return projectionStd;
    }

    public double sigma0() {
        return sigma0;
    }

    public boolean bounded() {
        return bounded;
    }
}
