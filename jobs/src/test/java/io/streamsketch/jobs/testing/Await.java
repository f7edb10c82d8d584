package io.streamsketch.jobs.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition by polling it, up to a deadline that only a broken test reaches. */
public final class Await {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  private Await() {}

  public static void until(BooleanSupplier condition, String what) {
    until(condition, what, DEADLINE);
  }

  /** As {@link #until(BooleanSupplier, String)}, for what takes longer than a minute on a loaded machine. */
  public static void until(BooleanSupplier condition, String what, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + what + " within " + timeout.toSeconds() + " s");
      }
      LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
    }
  }
}
