package io.streamsketch.sketch.testing;

/** The binomial distribution, for statistical tests that count trials outside a stated bound. */
public final class Binomial {
  private Binomial() {}

  /**
   * The smallest c with P(Binomial(trials, p) > c) ≤ alpha: more than c trials outside a bound that each trial
   * exceeds with probability at most p rejects the bound at significance level alpha.
   */
  public static int upperQuantile(int trials, double p, double alpha) {
    double logP = Math.log(p);
    double logQ = Math.log1p(-p);
    double cumulative = 0;
    double logChoose = 0;
    for (int c = 0; c <= trials; c++) {
      if (c > 0) {
        logChoose += Math.log((double) (trials - c + 1) / c);
      }
      cumulative += Math.exp(logChoose + c * logP + (trials - c) * logQ);
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
    double logP = Math.log(p);
    double logQ = Math.log1p(-p);
    double below = 0;
    double logChoose = 0;
    for (int c = 0; c <= trials; c++) {
      if (c > 0) {
        logChoose += Math.log((double) (trials - c + 1) / c);
      }
      double next = below + Math.exp(logChoose + c * logP + (trials - c) * logQ);
      if (next > alpha) {
        return c;
      }
      below = next;
    }
    return trials;
  }
}
