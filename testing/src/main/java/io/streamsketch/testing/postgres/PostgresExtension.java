package io.streamsketch.testing.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class a fresh database on the JVM's shared PostgreSQL server ({@link SharedPostgres}).
 *
 * <pre>{@code @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();}</pre>
 *
 * <p>The database is created before the class's first test and dropped after its last one; prepared transactions
 * still open in it then are rolled back first (they would block the drop) and reported on stderr, since a test
 * that leaves one behind should have failed on it.
 */
public class PostgresExtension implements BeforeAllCallback, AfterAllCallback {
  private String database;

  @Override
  public void beforeAll(ExtensionContext context) throws SQLException {
    String className = context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT);
    database = "t_" + className.replaceAll("[^a-z0-9]", "") + "_" + Integer.toHexString(ThreadLocalRandom.current().nextInt());
    try (Connection admin = SharedPostgres.shared().getPostgresDatabase().getConnection();
        Statement statement = admin.createStatement()) {
      statement.execute("CREATE DATABASE " + database);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws SQLException {
    try (Connection connection = dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      List<String> leftOver = new ArrayList<>();
      try (ResultSet rs =
          statement.executeQuery("SELECT gid FROM pg_prepared_xacts WHERE database = current_database()")) {
        while (rs.next()) {
          leftOver.add(rs.getString(1));
        }
      }
      for (String gid : leftOver) {
        System.err.println("rolling back prepared transaction left behind by " + database + ": " + gid);
        statement.execute("ROLLBACK PREPARED '" + gid.replace("'", "''") + "'");
      }
    }
    try (Connection admin = SharedPostgres.shared().getPostgresDatabase().getConnection();
        Statement statement = admin.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }
  }

  /** The JDBC URL of this class's database. */
  public String jdbcUrl() {
    return SharedPostgres.shared().getJdbcUrl(SharedPostgres.USER, database);
  }

  public String user() {
    return SharedPostgres.USER;
  }

  public String database() {
    return database;
  }

  public DataSource dataSource() {
    return SharedPostgres.shared().getDatabase(SharedPostgres.USER, database);
  }

  /** Runs one statement in autocommit mode, for set-up and clean-up. */
  public void execute(String sql) throws SQLException {
    try (Connection connection = dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
