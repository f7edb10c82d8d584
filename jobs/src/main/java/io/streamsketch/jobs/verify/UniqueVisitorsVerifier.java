package io.streamsketch.jobs.verify;

import io.streamsketch.flink.aggregate.WindowPartial;
import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.UniqueVisitors;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * {@code unique-visitors --verify}: fills in each result's {@code exact} (distinct users of the window) and {@code
 * datasketches} (a DataSketches HLL_8 sketch with lgK = p, its pages' sketches unioned for the global key).
 */
public final class UniqueVisitorsVerifier {
  /** The verified per-page and global results. */
  public record Verified(DataStream<UniqueVisitors> perPage, DataStream<UniqueVisitors> global) {}

  private UniqueVisitorsVerifier() {}

  /** Wires the checks over {@code views} (with timestamps) and joins them to the sketch's results. */
  public static Verified verify(
      String job,
      DataStream<ClickEvent> views,
      DataStream<UniqueVisitors> perPage,
      DataStream<UniqueVisitors> global,
      Duration window,
      Duration allowedLateness,
      int precision,
      int maxPartials) {
    DistinctUsersCheck users = new DistinctUsersCheck(precision);
    SingleOutputStreamOperator<WindowPartial<WindowCheck>> local =
        CheckWindows.localChecks(
            views, job + "/verify-local", event -> event.pageId, window, allowedLateness, users, maxPartials);
    DataStream<CheckFiring> perPageChecks =
        CheckWindows.firings(local, job + "/verify-per-page-window", partial -> partial.key, allowedLateness, users);
    DataStream<CheckFiring> globalChecks =
        CheckWindows.firings(
            local, job + "/verify-global-window", partial -> UniqueVisitors.ALL_PAGES, allowedLateness, users);
    long lateness = allowedLateness.toMillis();
    return new Verified(
        ResultPairing.pair(
            perPage, UniqueVisitorsVerifier::key, perPageChecks, new Pairing(lateness), job + "/verify-per-page"),
        ResultPairing.pair(
            global, UniqueVisitorsVerifier::key, globalChecks, new Pairing(lateness), job + "/verify-global"));
  }

  private static String key(UniqueVisitors result) {
    return ResultPairing.pairingKey(result.windowStart, result.pageId);
  }

  private static final class Pairing extends ResultPairing<UniqueVisitors> {
    private static final long serialVersionUID = 1L;

    Pairing(long allowedLatenessMillis) {
      super(TypeInformation.of(UniqueVisitors.class), allowedLatenessMillis);
    }

    @Override
    protected int firing(UniqueVisitors result) {
      return result.firing;
    }

    @Override
    protected void setFiring(UniqueVisitors result, int firing) {
      result.firing = firing;
    }

    @Override
    protected long windowEnd(UniqueVisitors result) {
      return result.windowEnd;
    }

    @Override
    protected UniqueVisitors enrich(UniqueVisitors result, WindowCheck check) {
      result.exact = check.exactCounts.size();
      result.datasketches = DistinctUsersCheck.estimate(check);
      return result;
    }
  }
}
