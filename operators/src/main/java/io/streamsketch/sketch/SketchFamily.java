package io.streamsketch.sketch;

/** The family id in byte 0 of every serialized sketch. Ids are part of the binary format: never reuse one. */
public enum SketchFamily {
  COUNT_MIN(1),
  HYPERLOGLOG(2),
  BLOOM_FILTER(3),
  SKIP_RESERVOIR(4),
  HEAVY_HITTERS(5),
  KLL(6),
  AMS(7),
  /** Not a sketch: the state of a streaming k-means model, in the same envelope. */
  STREAMING_KMEANS(8),
  /** Not a sketch: a linear regression model fitted by SGD. */
  SGD_REGRESSION(9),
  /** Not a sketch: the Gaussian posterior of a Bayesian linear regression. */
  BAYESIAN_REGRESSION(10);

  private final int id;

  SketchFamily(int id) {
    this.id = id;
  }

  public int id() {
    return id;
  }

  /** The family with this id, or null if none has it. */
  public static SketchFamily ofId(int id) {
    for (SketchFamily family : values()) {
      if (family.id == id) {
        return family;
      }
    }
    return null;
  }
}
