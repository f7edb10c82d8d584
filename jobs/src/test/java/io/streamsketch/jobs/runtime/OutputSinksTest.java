package io.streamsketch.jobs.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsketch.jobs.StreamSketchCli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The choice of sink and its bad-input behaviour: one line on stderr, exit 2, before any job starts. */
class OutputSinksTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) throws Exception {
    return StreamSketchCli.run(
        args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void anUnknownSinkIsRefused() throws Exception {
    assertThat(run("windowed-counts", "--sink", "s3")).isEqualTo(2);
    assertThat(stderr()).contains("--sink must be one of files, kafka, postgres");
  }

  @Test
  void kafkaNeedsBootstrapServers() throws Exception {
    assertThat(run("windowed-counts", "--sink", "kafka")).isEqualTo(2);
    assertThat(stderr()).isEqualTo("error: windowed-counts: --sink kafka needs --bootstrap-servers host:port\n");
  }

  @Test
  void anOutputFolderIsOnlyForTheFilesSink() throws Exception {
    assertThat(run("sessions", "--sink", "kafka", "--bootstrap-servers", "localhost:9092", "--output", "/tmp/x"))
        .isEqualTo(2);
    assertThat(stderr()).contains("--output is for --sink files, not --sink kafka");
  }

  @Test
  void kafkaOptionsWithTheFilesSinkAreRefusedRatherThanIgnored() throws Exception {
    assertThat(run("windowed-counts", "--topic-prefix", "x.")).isEqualTo(2);
    assertThat(stderr()).contains("--topic-prefix is for --sink kafka, not --sink files");
  }

  @Test
  void postgresNeedsAJdbcUrl() throws Exception {
    assertThat(run("windowed-counts", "--sink", "postgres")).isEqualTo(2);
    assertThat(stderr()).contains("--sink postgres needs --jdbc-url");
  }

  @Test
  void anUnreachableDatabaseIsOneClearLineAndExitTwo() throws Exception {
    int closedPort = closedPort();
    String url = "jdbc:postgresql://localhost:" + closedPort + "/postgres";
    assertThat(run("windowed-counts", "--sink", "postgres", "--jdbc-url", url, "--jdbc-user", "postgres"))
        .isEqualTo(2);
    assertThat(stderr()).startsWith("error: windowed-counts: --sink postgres: ").contains(url).hasLineCount(1);
  }

  @Test
  void thePasswordOptionTakesTheNameOfAVariable() throws Exception {
    assertThat(
            run("windowed-counts", "--sink", "postgres", "--jdbc-url", "jdbc:postgresql://localhost/db",
                "--jdbc-password-env", "secret!"))
        .isEqualTo(2);
    assertThat(stderr()).contains("must name an environment variable").hasLineCount(1);
  }

  @Test
  void anUnreachableBrokerIsOneClearLineAndExitTwo() throws Exception {
    int closedPort = closedPort();
    assertThat(run("windowed-counts", "--sink", "kafka", "--bootstrap-servers", "localhost:" + closedPort))
        .isEqualTo(2);
    assertThat(stderr())
        .startsWith("error: windowed-counts: --bootstrap-servers localhost:" + closedPort + ": could not reach the broker: no answer")
        .hasLineCount(1);
  }

  /** A port nothing listens on: one just released by a server socket. */
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
