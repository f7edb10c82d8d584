package io.streamsketch.jobs.verify;

import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.TopPages;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * {@code top-pages --verify}: fills in each result's exact N, and for each listed page its exact views and the
 * estimate of a DataSketches frequent-items sketch ({@code frequencies.ItemsSketch}) over the same window.
 */
public final class TopPagesVerifier {
  private static final String ALL_PAGES = "*";

  private TopPagesVerifier() {}

  /**
   * Wires the checks over {@code views} (with timestamps) and joins them to the sketch's results.
   *
   * @param maxMapSize the frequent-items sketch's map size, see {@link PageViewsCheck#mapSizeFor}
   */
  public static DataStream<TopPages> verify(
      String job,
      DataStream<ClickEvent> views,
      DataStream<TopPages> topPages,
      Duration window,
      Duration allowedLateness,
      int maxMapSize,
      int maxPartials) {
    PageViewsCheck pages = new PageViewsCheck(maxMapSize);
    DataStream<CheckFiring> checks =
        CheckWindows.firings(
            CheckWindows.localChecks(
                views, job + "/verify-local", event -> ALL_PAGES, window, allowedLateness, pages, maxPartials),
            job + "/verify-window",
            partial -> ALL_PAGES,
            allowedLateness,
            pages);
    return ResultPairing.pair(
        topPages,
        result -> ResultPairing.pairingKey(result.windowStart, ALL_PAGES),
        checks,
        new Pairing(allowedLateness.toMillis()),
        job + "/verify");
  }

  private static final class Pairing extends ResultPairing<TopPages> {
    private static final long serialVersionUID = 1L;

    Pairing(long allowedLatenessMillis) {
      super(TypeInformation.of(TopPages.class), allowedLatenessMillis);
    }

    @Override
    protected int firing(TopPages result) {
      return result.firing;
    }

    @Override
    protected void setFiring(TopPages result, int firing) {
      result.firing = firing;
    }

    @Override
    protected long windowEnd(TopPages result) {
      return result.windowEnd;
    }

    @Override
    protected TopPages enrich(TopPages result, WindowCheck check) {
      result.exactTotalViews = check.events;
      result.exactViews = new long[result.pageIds.length];
      result.datasketchesEstimates = new long[result.pageIds.length];
      for (int i = 0; i < result.pageIds.length; i++) {
        result.exactViews[i] = check.exactCounts.getOrDefault(result.pageIds[i], 0L);
        result.datasketchesEstimates[i] = PageViewsCheck.estimate(check, result.pageIds[i]);
      }
      return result;
    }
  }
}
