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
