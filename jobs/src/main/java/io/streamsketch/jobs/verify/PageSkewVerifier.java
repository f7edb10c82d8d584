package io.streamsketch.jobs.verify;

import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.PageSkew;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * {@code page-skew --verify}: fills in each result's exact F2, Σ views(page)² over the exact views per page of the
 * same window (there is no DataSketches F2 sketch to compare with).
 */
public final class PageSkewVerifier {
  private PageSkewVerifier() {}

  /** Wires the exact counts over {@code views} (with timestamps), in one window per {@code key}, to the results. */
  public static DataStream<PageSkew> verify(
      String job,
      DataStream<ClickEvent> views,
      DataStream<PageSkew> skew,
      String key,
      Duration window,
      Duration allowedLateness,
      int maxPartials) {
    PageCounts pages = new PageCounts();
    DataStream<CheckFiring> checks =
        CheckWindows.firings(
            CheckWindows.localChecks(views, job + "/verify-local", event -> key, window, allowedLateness, pages, maxPartials),
            job + "/verify-window",
            partial -> key,
            allowedLateness,
            pages);
    return ResultPairing.pair(
        skew,
        result -> ResultPairing.pairingKey(result.windowStart, key),
        checks,
        new Pairing(allowedLateness.toMillis()),
        job + "/verify");
  }

  /** The exact views per page, with no DataSketches side. */
  private static final class PageCounts extends CheckAggregate {
    private static final long serialVersionUID = 1L;

    @Override
    protected String exactKey(ClickEvent event) {
      return event.pageId;
    }

    @Override
    protected byte[] update(byte[] sketch, ClickEvent event) {
      return null;
    }

    @Override
    protected byte[] merge(byte[] a, byte[] b) {
      return null;
    }
  }

  private static final class Pairing extends ResultPairing<PageSkew> {
    private static final long serialVersionUID = 1L;

    Pairing(long allowedLatenessMillis) {
      super(TypeInformation.of(PageSkew.class), allowedLatenessMillis);
    }

    @Override
    protected int firing(PageSkew result) {
      return result.firing;
    }

    @Override
    protected void setFiring(PageSkew result, int firing) {
      result.firing = firing;
    }

    @Override
    protected long windowEnd(PageSkew result) {
      return result.windowEnd;
    }

    @Override
    protected PageSkew enrich(PageSkew result, WindowCheck check) {
      long f2 = 0;
      for (long views : check.exactCounts.values()) {
        f2 = Math.addExact(f2, Math.multiplyExact(views, views));
      }
      result.exactF2 = f2;
      return result;
    }
  }
}
