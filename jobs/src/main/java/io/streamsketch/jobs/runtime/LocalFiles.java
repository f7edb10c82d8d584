package io.streamsketch.jobs.runtime;

import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Where a local ({@code java -jar}) run keeps its own files by default: one folder per user under {@code
 * java.io.tmpdir}, so that two users of one machine never share (or lock each other out of) a folder.
 */
public final class LocalFiles {
  private LocalFiles() {}

  /** {@code <java.io.tmpdir>/streamsketch-<user.name>}, the user name reduced to characters safe in a file name. */
  public static Path userFolder() {
    String user = System.getProperty("user.name", "unknown").replaceAll("[^A-Za-z0-9._-]", "_");
    return Paths.get(System.getProperty("java.io.tmpdir"), "streamsketch-" + user).toAbsolutePath();
  }

  /** The default checkpoint folder of local runs; each job's checkpoints go to a subfolder named by its job id. */
  public static Path checkpoints() {
    return userFolder().resolve("checkpoints");
  }

  /** The folder of the log files of local runs, one file per run. */
  public static Path logs() {
    return userFolder().resolve("logs");
  }
}
