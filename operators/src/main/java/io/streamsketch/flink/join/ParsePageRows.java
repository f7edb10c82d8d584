package io.streamsketch.flink.join;

import io.streamsketch.flink.io.SideOutputs;
import io.streamsketch.model.DeadLetter;
import io.streamsketch.model.Page;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Parses lines of {@code pages.csv} files read as a stream. Line boundaries are all a stream keeps of its files, so
 * the header is skipped wherever it occurs; blank lines are skipped; any other line that is not a row goes to
 * {@link SideOutputs#DEAD_LETTERS} with the reason.
 */
public final class ParsePageRows extends ProcessFunction<String, Page> {
  private static final long serialVersionUID = 1L;

  @Override
  public void processElement(String line, Context ctx, Collector<Page> out) {
    if (line.isBlank() || PagesCsv.isHeader(line)) {
      return;
    }
    try {
      out.collect(PagesCsv.parseRow(line));
    } catch (MalformedPageRowException e) {
      ctx.output(SideOutputs.DEAD_LETTERS, new DeadLetter(line, e.getMessage()));
    }
  }
}
