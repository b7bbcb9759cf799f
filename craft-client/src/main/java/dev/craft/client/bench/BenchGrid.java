package dev.craft.client.bench;

import dev.craft.client.tune.Method;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The methods x shots x seeds of a {@code craft bench}, parsed from comma-separated options. Values
 * keep the order given; duplicates and empty lists are errors.
 */
public record BenchGrid(List<Method> methods, List<Integer> shots, List<Long> seeds) {

    public static final String ALL_METHODS = "zs,bbt,pr,pgpr,craft";
    public static final String PAPER_SHOTS = "1,2,4,8,16";
    public static final String PAPER_SEEDS = "1,2,3";

    public BenchGrid {
        methods = List.copyOf(methods);
        shots = List.copyOf(shots);
        seeds = List.copyOf(seeds);
    }

    /** @throws IllegalArgumentException with a one-line message naming the option at fault */
    public static BenchGrid parse(String methods, String shots, String seeds) {
        List<Method> m = parseList("--methods", methods, BenchGrid::method);
        List<Integer> s = parseList("--shots", shots, text -> {
            int value = parseNumber("--shots", text, Integer::parseInt);
            if (value < 1) {
                throw new IllegalArgumentException("--shots: " + value + " is not a positive number of images per class");
            }
            return value;
        });
        List<Long> seedList = parseList("--seeds", seeds, text -> parseNumber("--seeds", text, Long::parseLong));
        return new BenchGrid(m, s, seedList);
    }

    /** Every cell, methods outermost, then shots, then seeds. */
    public List<BenchCell> cells() {
        List<BenchCell> cells = new ArrayList<>(methods.size() * shots.size() * seeds.size());
        for (Method method : methods) {
            for (int shot : shots) {
                for (long seed : seeds) {
                    cells.add(new BenchCell(method, shot, seed));
                }
            }
        }
        return cells;
    }

    private static <T> List<T> parseList(String option, String text, Function<String, T> parser) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(option + " needs at least one value");
        }
        Set<T> values = new LinkedHashSet<>();
        for (String part : text.split(",", -1)) {
            String item = part.trim();
            if (item.isEmpty()) {
                throw new IllegalArgumentException(option + " '" + text + "' has an empty item");
            }
            T value = parser.apply(item);
            if (!values.add(value)) {
                throw new IllegalArgumentException(option + " lists " + item + " twice");
            }
        }
        return new ArrayList<>(values);
    }

    private static Method method(String text) {
        try {
            return Method.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--methods: '" + text + "' is not one of "
                    + Arrays.toString(Method.values()).toLowerCase(Locale.ROOT));
        }
    }

    private static <N> N parseNumber(String option, String text, Function<String, N> parser) {
        try {
            return parser.apply(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": '" + text + "' is not a whole number");
        }
    }
}
