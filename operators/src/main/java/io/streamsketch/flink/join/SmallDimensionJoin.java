package io.streamsketch.flink.join;

import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.EnrichedEvent;
import io.streamsketch.model.Page;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Joins facts with a small page dimension that each subtask loads once, into memory, when it opens. No state and no
 * shuffle: the facts keep their partitioning. The dimension is not refreshed while the job runs.
 */
public final class SmallDimensionJoin extends ProcessFunction<ClickEvent, EnrichedEvent> {
  private static final long serialVersionUID = 1L;

  private final JoinMode mode;
  private final PagesLoader loader;
  private transient Map<String, Page> pages;

  public SmallDimensionJoin(JoinMode mode, PagesLoader loader) {
    this.mode = mode;
    this.loader = loader;
  }

  @Override
  public void open(OpenContext openContext) throws Exception {
    pages = loader.load();
  }

  @Override
  public void processElement(ClickEvent fact, Context ctx, Collector<EnrichedEvent> out) {
    Page page = pages.get(fact.pageId);
    if (page != null || mode == JoinMode.LEFT) {
      out.collect(EnrichedEvent.of(fact, page));
    } else {
      ctx.output(JoinOutputs.UNMATCHED_FACTS, fact);
    }
  }
}
