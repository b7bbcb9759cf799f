package dev.craft.client.tune;

/**
 * One row of metrics.csv.
 *
 * @param testAccuracy NaN when the round was not evaluated
 */
public record RoundMetrics(int round, long trainQueries, long evalQueries, double bestFitness, double meanFitness,
                           double trainLoss, double trainAccuracy, double testAccuracy, long elapsedMillis,
                           long queryMillis, long cmaesMillis, long mlpMillis) {

    public static final String HEADER = "round,trainQueries,evalQueries,bestFitness,meanFitness,trainLoss,"
            + "trainAccuracy,testAccuracy,elapsedMillis,queryMillis,cmaesMillis,mlpMillis";

    public String toCsv() {
        return round + "," + trainQueries + "," + evalQueries + "," + num(bestFitness) + "," + num(meanFitness) + ","
                + num(trainLoss) + "," + num(trainAccuracy) + "," + num(testAccuracy) + "," + elapsedMillis + ","
                + queryMillis + "," + cmaesMillis + "," + mlpMillis;
    }

    public static RoundMetrics parse(String line) {
        String[] f = line.split(",", -1);
        return new RoundMetrics(Integer.parseInt(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), dbl(f[3]),
                dbl(f[4]), dbl(f[5]), dbl(f[6]), dbl(f[7]), Long.parseLong(f[8]), Long.parseLong(f[9]),
                Long.parseLong(f[10]), Long.parseLong(f[11]));
    }

    private static String num(double value) {
        return Double.isNaN(value) ? "" : Double.toString(value);
    }

    private static double dbl(String text) {
        return text.isEmpty() ? Double.NaN : Double.parseDouble(text);
    }
}
