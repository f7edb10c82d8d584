package io.streamsketch.jobs.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition by polling it, up to a deadline that only a broken test reaches. */
public final class Await {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  private Await() {}

  public static void until(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + what + " within " + DEADLINE.toSeconds() + " s");
      }
      LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
    }
  }
}
