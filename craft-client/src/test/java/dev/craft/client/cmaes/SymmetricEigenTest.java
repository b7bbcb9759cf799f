package dev.craft.client.cmaes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SymmetricEigenTest {

    private static double[][] randomSymmetric(int n, long seed, double spread) {
        Random r = new Random(seed);
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double v = r.nextGaussian();
                m[i][j] = v;
                m[j][i] = v;
            }
            m[i][i] += spread * (i % 5);
        }
        return m;
    }

    private static void assertDecomposition(double[][] m, double[] d, double[][] v, double tol) {
        int n = m.length;
        double norm = 0;
        for (double[] row : m) {
            for (double x : row) {
                norm = Math.max(norm, Math.abs(x));
            }
        }
        for (int i = 1; i < n; i++) {
            assertThat(d[i]).isGreaterThanOrEqualTo(d[i - 1]);
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double rec = 0;
                double dot = 0;
                for (int k = 0; k < n; k++) {
                    rec += v[k][i] * d[k] * v[k][j];
                    dot += v[i][k] * v[j][k];
                }
                assertThat(rec).isCloseTo(m[i][j], within(tol * Math.max(norm, 1e-300)));
                assertThat(dot).isCloseTo(i == j ? 1.0 : 0.0, within(tol));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 7, 33, 100})
    void reconstructsRandomSymmetricMatrices(int n) {
        double[][] m = randomSymmetric(n, n, 1e3);
        double[] d = new double[n];
        double[][] v = new double[n][n];
        new SymmetricEigen(n).decompose(m, d, v);
        assertDecomposition(m, d, v, 1e-12);
    }

    @Test
    void knownSpectrumOfTridiagonalToeplitz() {
        int n = 60;
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            m[i][i] = 2;
            if (i + 1 < n) {
                m[i][i + 1] = -1;
                m[i + 1][i] = -1;
            }
        }
        double[] d = new double[n];
        double[][] v = new double[n][n];
        new SymmetricEigen(n).decompose(m, d, v);
        for (int k = 1; k <= n; k++) {
            assertThat(d[k - 1]).isCloseTo(2 - 2 * Math.cos(k * Math.PI / (n + 1)), within(1e-13));
        }
        assertDecomposition(m, d, v, 1e-13);
    }

    @Test
    void handlesDiagonalIdentityAndNearlyDegenerateMatrices() {
        int n = 40;
        SymmetricEigen eig = new SymmetricEigen(n);
        double[] d = new double[n];
        double[][] v = new double[n][n];
        double[][] diag = new double[n][n];
        double[][] ident = new double[n][n];
        double[][] near = new double[n][n];
        Random r = new Random(5);
        for (int i = 0; i < n; i++) {
            diag[i][i] = Math.pow(10, i % 13 - 6);
            ident[i][i] = 1;
            for (int j = i; j < n; j++) {
                double x = (i == j ? 1 : 0) + 1e-14 * r.nextGaussian();
                near[i][j] = x;
                near[j][i] = x;
            }
        }
        for (double[][] m : new double[][][] {diag, ident, near}) {
            eig.decompose(m, d, v);
            assertDecomposition(m, d, v, 1e-13);
        }
    }

    @Test
    void readsOnlyTheUpperTriangleAndLeavesInputUntouched() {
        int n = 12;
        double[][] m = randomSymmetric(n, 3, 10);
        double[][] upperOnly = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                upperOnly[i][j] = m[i][j];
            }
        }
        double[][] copy = new double[n][];
        for (int i = 0; i < n; i++) {
            copy[i] = upperOnly[i].clone();
        }
        double[] d = new double[n];
        double[][] v = new double[n][n];
        new SymmetricEigen(n).decompose(upperOnly, d, v);
        assertDecomposition(m, d, v, 1e-12);
        assertThat(upperOnly).isDeepEqualTo(copy);
    }

    @Test
    void rejectsNonFiniteInput() {
        double[][] m = {{1, Double.NaN}, {Double.NaN, 1}};
        assertThatThrownBy(() -> new SymmetricEigen(2).decompose(m, new double[2], new double[2][2]))
                .isInstanceOf(ArithmeticException.class);
    }
}
