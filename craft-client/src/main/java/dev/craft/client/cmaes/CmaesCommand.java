package dev.craft.client.cmaes;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code craft cmaes}: minimises a standard test function with CMA-ES and prints one JSON line
 * {@code {"function":..,"dim":..,"evals":..,"best":..,"reached":..}}.
 */
@Command(name = "cmaes", mixinStandardHelpOptions = true,
        description = "Minimise a standard test function (sphere, elli, rosen) with CMA-ES; prints one JSON line.")
public final class CmaesCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--function", defaultValue = "sphere", paramLabel = "NAME",
            description = "sphere | elli | rosen (default: ${DEFAULT-VALUE})")
    String function;

    @Option(names = "--dim", defaultValue = "10", paramLabel = "N",
            description = "search space dimension, >= 1 (default: ${DEFAULT-VALUE})")
    int dim;

    @Option(names = "--popsize", defaultValue = "0", paramLabel = "L",
            description = "population size lambda >= 2; 0 = default 4 + floor(3 ln N) (default: ${DEFAULT-VALUE})")
    int popsize;

    @Option(names = "--sigma0", defaultValue = "0.5", paramLabel = "S",
            description = "initial step size > 0 (default: ${DEFAULT-VALUE})")
    double sigma0;

    @Option(names = "--x0", paramLabel = "V",
            description = "start point: one number for every coordinate or N comma-separated numbers "
                    + "(default: 0.1 for rosen, 0.5 otherwise)")
    String x0;

    @Option(names = "--max-evals", defaultValue = "1000000", paramLabel = "E",
            description = "evaluation budget, >= 1 (default: ${DEFAULT-VALUE})")
    long maxEvals;

    @Option(names = "--target", defaultValue = "1e-8", paramLabel = "T",
            description = "stop when the best f <= T (default: ${DEFAULT-VALUE})")
    double target;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S",
            description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--separable", description = "diagonal covariance (sep-CMA)")
    boolean separable;

    @Option(names = "--bounds", paramLabel = "LO,HI",
            description = "box [LO, HI] for every coordinate, handled by the smooth bound transform")
    String bounds;

    @Override
    public Integer call() {
        BenchmarkFunctions f;
        try {
            f = BenchmarkFunctions.byName(function);
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
        if (dim < 1) {
            throw bad("--dim must be >= 1, got " + dim);
        }
        if (maxEvals < 1) {
            throw bad("--max-evals must be >= 1, got " + maxEvals);
        }
        if (Double.isNaN(target)) {
            throw bad("--target must be a number");
        }
        double[] start = parseX0(f);
        CmaesParameters params;
        try {
            CmaesParameters.Builder b = CmaesParameters.builder(dim).popsize(popsize).sigma0(sigma0).separable(separable);
            if (bounds != null) {
                double[] lohi = parseNumbers("--bounds", bounds);
                if (lohi.length != 2) {
                    throw bad("--bounds expects LO,HI, got '" + bounds + "'");
                }
                b.bounds(lohi[0], lohi[1]);
                for (double v : start) {
                    if (v < lohi[0] || v > lohi[1]) {
                        throw bad("--x0 must lie inside --bounds, got " + v + " outside [" + lohi[0] + ", " + lohi[1] + "]");
                    }
                }
            }
            params = b.build();
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }

        CmaesRunner.Result r = CmaesRunner.minimize(params, start, seed, f, target, maxEvals);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("function", f.shortName());
        out.put("dim", dim);
        out.put("evals", r.evaluations());
        out.put("best", r.bestFitness());
        out.put("reached", r.reachedTarget());
        ObjectMapper mapper = JsonMapper.builder().build();
        PrintWriter pw = spec.commandLine().getOut();
        pw.println(mapper.writeValueAsString(out));
        pw.flush();
        return 0;
    }

    private double[] parseX0(BenchmarkFunctions f) {
        double[] start = new double[dim];
        if (x0 == null) {
            Arrays.fill(start, f.defaultX0());
            return start;
        }
        double[] v = parseNumbers("--x0", x0);
        if (v.length == 1) {
            Arrays.fill(start, v[0]);
        } else if (v.length == dim) {
            start = v;
        } else {
            throw bad("--x0 expects 1 or " + dim + " numbers, got " + v.length);
        }
        for (double s : start) {
            if (!Double.isFinite(s)) {
                throw bad("--x0 must be finite");
            }
        }
        return start;
    }

    private double[] parseNumbers(String option, String text) {
        String[] parts = text.split(",", -1);
        double[] v = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                v[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw bad(option + ": '" + parts[i].trim() + "' is not a number");
            }
        }
        return v;
    }

    private ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
