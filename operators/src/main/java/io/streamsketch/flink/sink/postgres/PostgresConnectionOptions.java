package io.streamsketch.flink.sink.postgres;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.postgresql.Driver;

/**
 * Where the sink connects. The password is never part of the job graph: only the name of the environment variable
 * that holds it, read where the connection is opened (the client and every TaskManager).
 */
public final class PostgresConnectionOptions implements Serializable {
  private static final long serialVersionUID = 1L;
  static final Duration SOCKET_TIMEOUT = Duration.ofMinutes(10);

  private final String jdbcUrl;
  private final String user;
  /** Null: connect without a password (trust or peer authentication, a password in ~/.pgpass). */
  private final String passwordEnv;
  private final Duration connectTimeout;

  PostgresConnectionOptions(String jdbcUrl, String user, String passwordEnv, Duration connectTimeout) {
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.passwordEnv = passwordEnv;
    this.connectTimeout = connectTimeout;
  }

  /** The URL with any {@code password=} parameter masked, for messages. */
  public String displayUrl() {
    return jdbcUrl.replaceAll("(?i)(password=)[^&]*", "$1***");
  }

  /**
   * Opens a connection within the connect timeout, or throws a {@link PostgresSinkException} saying in one line
   * where and why not.
   */
  public Connection open(String applicationName) {
    Properties properties = new Properties();
    if (user != null) {
      properties.setProperty("user", user);
    }
    if (passwordEnv != null) {
      String password = System.getenv(passwordEnv);
      if (password == null) {
        throw new PostgresSinkException(
            "environment variable " + passwordEnv + " (the PostgreSQL password) is not set");
      }
      properties.setProperty("password", password);
    }
    long seconds = Math.max(1, connectTimeout.toSeconds());
    properties.setProperty("connectTimeout", Long.toString(seconds));
    properties.setProperty("loginTimeout", Long.toString(seconds));
    properties.setProperty("tcpKeepAlive", "true");
    // A statement of this sink takes milliseconds to seconds; one that waits this long is on a dead connection.
    properties.setProperty("socketTimeout", Long.toString(SOCKET_TIMEOUT.toSeconds()));
    properties.setProperty("ApplicationName", applicationName);
    try {
      // The driver itself rather than DriverManager, which on a cluster may not see a driver that came in the
      // job jar (Flink's user-code class loader) and would answer "No suitable driver".
      Connection connection = new Driver().connect(jdbcUrl, properties);
      if (connection == null) {
        throw new PostgresSinkException("not a PostgreSQL JDBC URL: " + displayUrl());
      }
      return connection;
    } catch (SQLException e) {
      throw new PostgresSinkException(
          "cannot connect to PostgreSQL at " + displayUrl() + ": " + oneLine(e) + " (SQLSTATE " + e.getSQLState() + ")", e);
    }
  }

  /** The first line of the message; for a failed batch, of the statement's own error rather than the batch's. */
  static String oneLine(Throwable e) {
    if (e instanceof SQLException sql && sql.getNextException() != null) {
      return oneLine(sql.getNextException());
    }
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
