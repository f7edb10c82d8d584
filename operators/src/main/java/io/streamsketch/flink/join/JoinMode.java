package io.streamsketch.flink.join;

/** What a dimension join does with a fact whose page has no row. */
public enum JoinMode {
  /** Only facts with a row come out; the others go to {@link JoinOutputs#UNMATCHED_FACTS}. */
  INNER,
  /** Every fact comes out; those without a row have null page fields. */
  LEFT
}
