package io.streamsketch.testing.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs one PostgreSQL server for local runs until the JVM is stopped (scripts/postgres.sh).
 *
 * <p>Arguments: {@code <data directory> <port>}. The data directory is kept across restarts. Prints one line
 * starting with {@code READY} once the server accepts connections; a start that fails exits with status 1.
 */
public final class PostgresServerMain {
  private PostgresServerMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: PostgresServerMain <data directory> <port>");
      System.exit(2);
    }
    Path dataDirectory = Path.of(args[0]).toAbsolutePath();
    int port;
    try {
      port = Integer.parseInt(args[1]);
    } catch (NumberFormatException e) {
      System.err.println("port must be a number, got: " + args[1]);
      System.exit(2);
      return;
    }
    Files.createDirectories(dataDirectory);
    EmbeddedPostgres server;
    try {
      server = SharedPostgres.startPersistent(dataDirectory, port);
    } catch (Exception e) {
      System.err.println("PostgreSQL did not start on port " + port + " with data in " + dataDirectory + ": " + e);
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.close();
      } catch (Exception e) {
        System.err.println("stopping PostgreSQL failed: " + e);
      }
    }, "stop-postgres"));
    System.out.println("READY " + server.getJdbcUrl(SharedPostgres.USER, "postgres"));
    System.out.flush();
    Thread.currentThread().join();
  }
}
