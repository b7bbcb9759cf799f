package dev.craft.client.tune;

/**
 * One row of metrics.csv.
 *
 * @param testAccuracy NaN when the round was not evaluated
 * @param promptRound  the round whose candidate (or CMA-ES mean) is the current prompt after this
 *                     round; 0 = the plain template; -1 = unknown (written empty: rows of runs made
 *                     before the column existed)
 */
public record RoundMetrics(int round, long trainQueries, long evalQueries, double bestFitness, double meanFitness,
                           double trainLoss, double trainAccuracy, double testAccuracy, long elapsedMillis,
                           long queryMillis, long cmaesMillis, long mlpMillis, int promptRound) {

    /** The header of runs made before {@code promptRound} existed; their files are still read. */
    public static final String LEGACY_HEADER = "round,trainQueries,evalQueries,bestFitness,meanFitness,trainLoss,"
            + "trainAccuracy,testAccuracy,elapsedMillis,queryMillis,cmaesMillis,mlpMillis";

    public static final String HEADER = LEGACY_HEADER + ",promptRound";

    /** A row whose prompt round is unknown. */
    public RoundMetrics(int round, long trainQueries, long evalQueries, double bestFitness, double meanFitness,
                        double trainLoss, double trainAccuracy, double testAccuracy, long elapsedMillis,
                        long queryMillis, long cmaesMillis, long mlpMillis) {
        this(round, trainQueries, evalQueries, bestFitness, meanFitness, trainLoss, trainAccuracy, testAccuracy,
                elapsedMillis, queryMillis, cmaesMillis, mlpMillis, -1);
    }

    /** Whether {@code line} is the header of a metrics.csv, current or legacy. */
    public static boolean isHeader(String line) {
        return HEADER.equals(line) || LEGACY_HEADER.equals(line);
    }

    public String toCsv() {
        return round + "," + trainQueries + "," + evalQueries + "," + num(bestFitness) + "," + num(meanFitness) + ","
                + num(trainLoss) + "," + num(trainAccuracy) + "," + num(testAccuracy) + "," + elapsedMillis + ","
                + queryMillis + "," + cmaesMillis + "," + mlpMillis + "," + (promptRound < 0 ? "" : promptRound);
    }

    /** A row of the current layout (13 fields) or of the legacy one (12 fields, prompt round unknown). */
    public static RoundMetrics parse(String line) {
        String[] f = line.split(",", -1);
        if (f.length != 12 && f.length != 13) {
            throw new IllegalArgumentException("a metrics row has 12 or 13 fields, got " + f.length);
        }
        int promptRound = f.length == 13 && !f[12].isEmpty() ? Integer.parseInt(f[12]) : -1;
        return new RoundMetrics(Integer.parseInt(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), dbl(f[3]),
                dbl(f[4]), dbl(f[5]), dbl(f[6]), dbl(f[7]), Long.parseLong(f[8]), Long.parseLong(f[9]),
                Long.parseLong(f[10]), Long.parseLong(f[11]), promptRound);
    }

    private static String num(double value) {
        return Double.isNaN(value) ? "" : Double.toString(value);
    }

    private static double dbl(String text) {
        return text.isEmpty() ? Double.NaN : Double.parseDouble(text);
    }
}
