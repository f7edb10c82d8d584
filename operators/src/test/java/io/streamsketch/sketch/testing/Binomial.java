package io.streamsketch.sketch.testing;

/** The binomial distribution, for statistical tests that count trials outside a stated bound. */
public final class Binomial {
  private Binomial() {}

  /**
   * The smallest c with P(Binomial(trials, p) > c) ≤ alpha: more than c trials outside a bound that each trial
   * exceeds with probability at most p rejects the bound at significance level alpha.
   */
  public static int upperQuantile(int trials, double p, double alpha) {
    double[] pmf = pmf(trials, p);
    double cumulative = 0;
    for (int c = 0; c <= trials; c++) {
      cumulative += pmf[c];
      if (1 - cumulative <= alpha) {
        return c;
      }
    }
    return trials;
  }

  /**
   * The largest c with P(Binomial(trials, p) &lt; c) ≤ alpha: fewer than c trials outside a bound that each trial
   * exceeds with probability at least p rejects that rate at significance level alpha (a too-wide interval).
   */
  public static int lowerQuantile(int trials, double p, double alpha) {
    double[] pmf = pmf(trials, p);
    double below = 0;
    for (int c = 0; c <= trials; c++) {
      double next = below + pmf[c];
      if (next > alpha) {
        return c;
      }
      below = next;
    }
    return trials;
  }

  /** P(Binomial(trials, p) = c) for c = 0 .. trials, through logarithms so that no term underflows early. */
  private static double[] pmf(int trials, double p) {
    double logP = Math.log(p);
    double logQ = Math.log1p(-p);
    double[] pmf = new double[trials + 1];
    double logChoose = 0;
    for (int c = 0; c <= trials; c++) {
      if (c > 0) {
        logChoose += Math.log((double) (trials - c + 1) / c);
      }
      pmf[c] = Math.exp(logChoose + c * logP + (trials - c) * logQ);
    }
    return pmf;
  }
}
