package io.streamsketch.flink.state;

import java.util.stream.Stream;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;

/** Counts a harness operator's keyed state by name, since RocksDB's harness does not count entries. */
public final class KeyedStateKeys {
  private KeyedStateKeys() {}

  /** How many (key, namespace) pairs the operator's keyed state {@code state} has. */
  public static long count(AbstractStreamOperatorTestHarness<?> harness, String state) throws Exception {
    AbstractStreamOperator<?> operator = (AbstractStreamOperator<?>) harness.getOperator();
    try (Stream<?> keys = operator.getKeyedStateBackend().getKeysAndNamespaces(state)) {
      return keys.count();
    }
  }
}
