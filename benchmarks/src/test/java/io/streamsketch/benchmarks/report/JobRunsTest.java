package io.streamsketch.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobRunsTest {
  private static final String HEADER =
      "# command: benchmarks/report.sh --rounds 2 --events 1000 --jobs \"ctr\"\n# machine: 2 cores, test CPU, 8 GiB\n# events: 1000\n"
          + "round\tjob\tbackend\tengine\tstatus\truntime_s\tcheckpoints\tmax_state_bytes\trows\tload_before\tload_after\n";

  @TempDir Path dir;

  @Test
  void listsEveryRunAndComparesMedians() throws IOException {
    Path tsv = write(HEADER
        + "1\tctr\thashmap\tours\t0\t1.0\t1\t2048\t10\t1.00, 1.00, 1.00\t2.00, 1.00, 1.00\n"
        + "1\tctr\thashmap\tsql-default\t0\t4.0\t0\t\t9\t2.00, 1.00, 1.00\t3.00, 1.00, 1.00\n"
        + "1\tctr\thashmap\tsql-tuned\t1\t\t0\t\t0\t3.00, 1.00, 1.00\t3.00, 1.00, 1.00\n"
        + "2\tctr\thashmap\tours\t0\t0.5\t0\t\t10\t3.00, 1.00, 1.00\t4.00, 1.00, 1.00\n"
        + "2\tctr\thashmap\tsql-default\t0\t2.0\t0\t\t9\t4.00, 1.00, 1.00\t5.00, 1.00, 1.00\n");

    JobRuns runs = JobRuns.read(tsv);
    String md = runs.markdown(dir);

    assertThat(runs.command()).isEqualTo("benchmarks/report.sh --rounds 2 --events 1000 --jobs \"ctr\"");
    assertThat(runs.machine()).isEqualTo("2 cores, test CPU, 8 GiB");
    // ours: 1,000 and 2,000 events/s, median 1,500; SQL default: 250 and 500, median 375; ratio 4.
    assertThat(md).contains("| `ctr` | hashmap | **1,500** (1,000, 2,000) | **375** (250, 500) | failed | 4.00× | n/a |");
    assertThat(md).contains("| 1 | `ctr` | hashmap | sql-tuned | failed (exit 1) |");
    assertThat(md).contains("| 2 | `ctr` | hashmap | sql-default | 2.0 | 500 | 0 | none | 9 | 4.00, 1.00, 1.00 | 5.00, 1.00, 1.00 |");
    assertThat(md).contains("| 1 | `ctr` | hashmap | ours | 1.0 | 1,000 | 1 | 2 | 10 |");
    assertThat(dir.resolve("throughput.png")).isNotEmptyFile();
    // 2 rounds x 1 job x 2 backends x 3 engines asked for, 5 recorded.
    assertThat(md).contains("**Incomplete: 5 of the 12 runs that the command asks for were recorded**");
    // Rows of 11 fields, recorded before the window columns: throughput runs only, no state section.
    assertThat(md).doesNotContain("checkpointed state at");
  }

  @Test
  void comparesTheStateRunsPerWindowApartFromTheThroughputRuns() throws IOException {
    String load = "\t1.00, 1.00, 1.00\t2.00, 1.00, 1.00";
    Path tsv = write(("# command: benchmarks/report.sh --rounds 1 --events 1000 --jobs \"unique-visitors\""
        + " --state-windows\n# machine: 2 cores, test CPU, 8 GiB\n# events: 1000\n"
        + "round\tjob\tbackend\tengine\tstatus\truntime_s\tcheckpoints\tmax_state_bytes\trows\tload_before"
        + "\tload_after\twindow\tcheckpoint_interval\n")
        + "1\tunique-visitors\trocksdb\tours\t0\t1.0\t2\t4096\t10" + load + "\t\t10s\n"
        + "1\tunique-visitors\trocksdb\tsql-default\t0\t2.0\t2\t8192\t10" + load + "\t\t10s\n"
        + "1\tunique-visitors\trocksdb\tours\t0\t4.0\t5\t10240\t10" + load + "\t1m\t1s\n"
        + "1\tunique-visitors\trocksdb\tours-exact\t0\t5.0\t6\t40960\t10" + load + "\t1m\t1s\n"
        + "1\tunique-visitors\trocksdb\tsql-default\t0\t5.0\t6\t81920\t10" + load + "\t1m\t1s\n"
        + "1\tunique-visitors\trocksdb\tours\t0\t4.0\t4\t20480\t2" + load + "\t1h\t1s\n"
        + "1\tunique-visitors\trocksdb\tours-exact\t3\t\t0\t\t0" + load + "\t1h\t1s\n"
        + "1\tunique-visitors\trocksdb\tsql-default\t0\t6.0\t5\t163840\t2" + load + "\t1h\t1s\n");

    String md = JobRuns.read(tsv).markdown(dir);

    // The throughput table sees only the runs at the default windows: 1,000 against 500 events/s.
    assertThat(md).contains("| `unique-visitors` | rocksdb | **1,000** (1,000) | **500** (500) |  | 2.00× |");
    assertThat(md).contains("## unique-visitors: checkpointed state at 1-minute and 1-hour windows");
    assertThat(md).contains("checkpoints every 1s");
    assertThat(md).contains("| 1m | rocksdb | 10 (5) | 40 (6) | 80 (6) | 0.125× |");
    assertThat(md).contains("| 1h | rocksdb | 20 (4) | none (0) | 160 (5) | 0.125× |");
    assertThat(md).contains("| 1h | 1 | `unique-visitors` | rocksdb | ours-exact | failed (exit 3) |");
    // 1 round x 1 job x 2 backends x 3 engines, and 2 windows x 2 backends x 3 engines: 18 asked for, 8 recorded.
    assertThat(md).contains("**Incomplete: 8 of the 18 runs that the command asks for were recorded**");
  }

  @Test
  void namesWindowsInWords() {
    assertThat(JobRuns.windowWords("1m")).isEqualTo("1-minute");
    assertThat(JobRuns.windowWords("1h")).isEqualTo("1-hour");
    assertThat(JobRuns.windowWords("30s")).isEqualTo("30-second");
    assertThat(JobRuns.windowWords("PT1H")).isEqualTo("`PT1H`");
  }

  @Test
  void refusesRunsWithoutTheirEventCount() throws IOException {
    Path tsv = write(HEADER.replace("# events: 1000\n", ""));

    assertThatThrownBy(() -> JobRuns.read(tsv)).isInstanceOf(IOException.class).hasMessageContaining("# events");
  }

  private Path write(String content) throws IOException {
    Path tsv = dir.resolve("runs.tsv");
    Files.writeString(tsv, content);
    return tsv;
  }
}
