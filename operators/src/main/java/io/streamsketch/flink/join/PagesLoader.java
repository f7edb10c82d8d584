package io.streamsketch.flink.join;

import io.streamsketch.generator.ClickstreamText;
import io.streamsketch.generator.GeneratorConfig;
import io.streamsketch.model.Page;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/** Where the small dimension comes from; serializable, so each subtask loads it itself when it opens. */
@FunctionalInterface
public interface PagesLoader extends Serializable {
  /** The rows by page id. */
  Map<String, Page> load() throws IOException;

  /**
   * A {@code pages.csv} file, or every visible file of a folder in name order (a later file's row of a page replaces
   * an earlier one), on any file system Flink reads.
   */
  static PagesLoader fromPath(String path) {
    return () -> {
      Path root = new Path(path);
      FileSystem fs = root.getFileSystem();
      FileStatus status = fs.getFileStatus(root);
      FileStatus[] files = status.isDir() ? fs.listStatus(root) : new FileStatus[] {status};
      Arrays.sort(files, Comparator.comparing(file -> file.getPath().getName()));
      Map<String, Page> pages = new LinkedHashMap<>();
      for (FileStatus file : files) {
        String name = file.getPath().getName();
        if (file.isDir() || name.startsWith(".") || name.startsWith("_")) {
          continue;
        }
        try (BufferedReader in =
            new BufferedReader(new InputStreamReader(fs.open(file.getPath()), StandardCharsets.UTF_8))) {
          pages.putAll(PagesCsv.read(in, file.getPath().toString()));
        }
      }
      return pages;
    };
  }

  /** The dimension the generator writes for {@code config}, without a file. */
  static PagesLoader generated(GeneratorConfig config) {
    return () -> PagesCsv.read(new BufferedReader(new StringReader(generatedCsv(config))), "generated pages");
  }

  /** The generator's {@code pages.csv} for {@code config}, as text. */
  static String generatedCsv(GeneratorConfig config) {
    StringWriter csv = new StringWriter();
    try {
      ClickstreamText.writePages(config, csv);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return csv.toString();
  }
}
