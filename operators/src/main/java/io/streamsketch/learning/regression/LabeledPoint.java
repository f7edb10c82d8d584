package io.streamsketch.learning.regression;

import java.util.Arrays;

/**
 * One observation for linear regression: features x and a label y. A plain POJO (public fields, no-arg
 * constructor), so Flink serializes it with its POJO serializer, never Kryo.
 */
public class LabeledPoint {
  public double[] features;
  public double label;

  public LabeledPoint() {}

  public LabeledPoint(double[] features, double label) {
    this.features = features;
    this.label = label;
  }

  /** Why this point cannot update a model of {@code dimension} features, or null if it can. */
  public String invalidFor(int dimension) {
    if (features == null) {
      return "features are null";
    }
    if (features.length != dimension) {
      return "point has " + features.length + " features, expected " + dimension;
    }
    for (int i = 0; i < features.length; i++) {
      if (!Double.isFinite(features[i])) {
        return "feature " + i + " is not finite: " + features[i];
      }
    }
    return Double.isFinite(label) ? null : "label is not finite: " + label;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LabeledPoint other
        && Double.compare(label, other.label) == 0
        && Arrays.equals(features, other.features);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(features) * 31 + Double.hashCode(label);
  }

  @Override
  public String toString() {
    return "LabeledPoint{" + Arrays.toString(features) + " -> " + label + "}";
  }
}
