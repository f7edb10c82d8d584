package io.streamsketch.jobs.runtime;

import io.streamsketch.jobs.cli.ParsedArgs;
import io.streamsketch.jobs.cli.UsageException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.function.Function;

/**
 * Checks the paths of a command line before a job starts, so that a missing input or an unusable output folder is one
 * line and exit status 2, not a job failing after its restarts. Local paths only: a path with another scheme (such as
 * {@code s3://}) is left to Flink's file systems.
 */
public final class PathChecks {
  private PathChecks() {}

  /** The file or folder option {@code name} names, if given, must exist and be readable. */
  public static void readable(ParsedArgs args, String name) {
    Path path = localPath(args, name);
    if (path == null) {
      return;
    }
    if (!Files.exists(path)) {
      throw args.invalidPath(name, "no such file or folder");
    }
    if (!Files.isReadable(path)) {
      throw args.invalidPath(name, "not readable");
    }
  }

  /**
   * The folder option {@code name} names, if given, is created if missing and must take new files: a file there, a
   * file among its parents, or a folder that cannot be written is a usage error.
   */
  public static void writableFolder(ParsedArgs args, String name) {
    Path folder = localPath(args, name);
    if (folder != null) {
      writableFolder(folder, problem -> args.invalidPath(name, problem));
    }
  }

  /** As {@link #writableFolder(ParsedArgs, String)}, for a folder no option names: {@code what} says where it is from. */
  public static void writableFolder(Path folder, String what) {
    writableFolder(folder, problem -> new UsageException(what + " " + folder + ": " + problem));
  }

  private static void writableFolder(Path folder, Function<String, UsageException> error) {
    Path existing = folder;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing != null && !Files.isDirectory(existing)) {
      throw error.apply(existing.equals(folder) ? "is a file, not a folder" : existing + " is a file, not a folder");
    }
    try {
      Files.createDirectories(folder);
      // Creating a file is the only sure test: root passes permission checks, and a read-only mount fails anyway.
      Files.delete(Files.createTempFile(folder, ".streamsketch-write-check", ""));
    } catch (IOException e) {
      throw error.apply("cannot write there (" + reason(e) + ")");
    }
  }

  /** The absolute local path the option names, or null if it is not given or is not on the local file system. */
  private static Path localPath(ParsedArgs args, String name) {
    String value = args.string(name);
    if (value == null) {
      return null;
    }
    if (!value.matches("^[A-Za-z][A-Za-z0-9+.-]*:/.*")) {
      return Paths.get(value).toAbsolutePath();
    }
    URI uri;
    try {
      uri = URI.create(value);
    } catch (IllegalArgumentException e) {
      throw args.invalidPath(name, "not a valid URI");
    }
    return uri.getScheme().toLowerCase(Locale.ROOT).equals("file") ? Paths.get(uri) : null;
  }

  private static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException failure && failure.getReason() != null) {
      return failure.getReason();
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }
}
