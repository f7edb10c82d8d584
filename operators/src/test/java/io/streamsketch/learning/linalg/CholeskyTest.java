package io.streamsketch.learning.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CholeskyTest {
  /** A = [[4, 2, 0.4], [2, 5, 1], [0.4, 1, 3]], symmetric positive definite. */
  private static final double[][] A = {{4, 2, 0.4}, {2, 5, 1}, {0.4, 1, 3}};

  @Test
  void solvesAndGivesTheInverseDiagonal() {
    Cholesky cholesky = Cholesky.factor(A);
    double[] x = cholesky.solve(new double[] {1, 2, 3});
    for (int i = 0; i < 3; i++) {
      double row = 0;
      for (int j = 0; j < 3; j++) {
        row += A[i][j] * x[j];
      }
      assertThat(row).isCloseTo(i + 1.0, within(1e-14));
    }
    // Entry i of A⁻¹'s diagonal is entry i of the solution of A·x = eᵢ.
    double[] diagonal = cholesky.inverseDiagonal();
    for (int i = 0; i < 3; i++) {
      double[] unit = new double[3];
      unit[i] = 1;
      assertThat(diagonal[i]).isCloseTo(cholesky.solve(unit)[i], within(1e-15));
    }
  }

  @Test
  void aMatrixThatIsNotPositiveDefiniteFailsLoudly() {
    assertThatThrownBy(() -> Cholesky.factor(new double[][] {{1, 2}, {2, 1}}))
        .isInstanceOf(ArithmeticException.class)
        .hasMessageContaining("not positive definite");
    assertThatThrownBy(() -> Cholesky.factor(new double[][] {{1, Double.NaN}, {Double.NaN, 1}}))
        .isInstanceOf(ArithmeticException.class);
  }
}
