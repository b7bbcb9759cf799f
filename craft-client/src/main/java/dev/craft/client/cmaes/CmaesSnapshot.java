package dev.craft.client.cmaes;

/**
 * Plain, serialisable copy of a {@link CmaesState}: every array, counter and the RNG state, so that
 * {@link CmaesState#restore(CmaesSnapshot)} continues the run bit for bit. Designed for Jackson
 * (records are (de)serialised by component name):
 * <pre>
 *   String json = mapper.writeValueAsString(state.snapshot());
 *   CmaesState again = CmaesState.restore(mapper.readValue(json, CmaesSnapshot.class));
 * </pre>
 * The derived strategy constants are not stored; they are recomputed from {@link Settings}.
 *
 * @param formatVersion      {@link #FORMAT_VERSION}
 * @param settings           the inputs of {@link CmaesParameters}
 * @param mean               distribution mean (optimiser space)
 * @param sigma              step size
 * @param covariance         full symmetric covariance matrix C, rows; null when separable
 * @param covarianceDiagonal diagonal of C when separable; null otherwise
 * @param pSigma             conjugate evolution path (CSA)
 * @param pC                 evolution path for the rank-one update
 * @param eigenvectors       rows are the eigenvectors of C from the last decomposition (B^T);
 *                           null when separable
 * @param eigenSqrt          D: square roots of the eigenvalues, matching {@code eigenvectors} (or of
 *                           diag C when separable)
 * @param generation         completed generations (number of tell calls)
 * @param countEval          evaluations told so far
 * @param eigenEval          countEval at the last eigendecomposition
 * @param eigenDecompositions number of eigendecompositions done (statistics)
 * @param rngState           the 4 xoshiro256** state words
 * @param rngHasSpare        whether a cached Gaussian deviate is pending
 * @param rngSpare           the cached deviate
 * @param bestX              best-ever candidate in the optimiser space; null if none yet
 * @param bestFitness        its fitness; null if none yet
 * @param bestHistory        ring buffer (index generation % length) of each generation's best
 *                           fitness, used by the "tolfun" stop criterion
 * @param lastRange          max - min of the last generation's finite fitness values (NaN if none)
 */
public record CmaesSnapshot(
        int formatVersion,
        Settings settings,
        double[] mean,
        double sigma,
        double[][] covariance,
        double[] covarianceDiagonal,
        double[] pSigma,
        double[] pC,
        double[][] eigenvectors,
        double[] eigenSqrt,
        long generation,
        long countEval,
        long eigenEval,
        long eigenDecompositions,
        long[] rngState,
        boolean rngHasSpare,
        double rngSpare,
        double[] bestX,
        Double bestFitness,
        double[] bestHistory,
        double lastRange) {

    public static final int FORMAT_VERSION = 1;

    /**
     * Inputs that determine {@link CmaesParameters}.
     *
     * @param lowerBounds null when unbounded
     * @param upperBounds null when unbounded
     */
    public record Settings(
            int dimension,
            int popsize,
            double sigma0,
            boolean separable,
            boolean active,
            double[] lowerBounds,
            double[] upperBounds) {

        public static Settings of(CmaesParameters p) {
            BoundTransform b = p.bounds();
            return new Settings(p.dimension(), p.lambda(), p.sigma0(), p.separable(), p.active(),
                    b == null ? null : b.lower(), b == null ? null : b.upper());
        }

        public CmaesParameters toParameters() {
            CmaesParameters.Builder b = CmaesParameters.builder(dimension)
                    .popsize(popsize).sigma0(sigma0).separable(separable).active(active);
            if (lowerBounds != null || upperBounds != null) {
                b.bounds(lowerBounds, upperBounds);
            }
            return b.build();
        }
    }
}
