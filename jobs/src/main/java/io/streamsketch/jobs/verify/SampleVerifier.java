package io.streamsketch.jobs.verify;

import io.streamsketch.model.ClickEvent;
import io.streamsketch.model.WindowSample;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * {@code sample --verify}: fills in each sample's exact event count of the window and the event ids of a DataSketches
 * reservoir ({@code sampling.ReservoirItemsSketch}, merged with {@code ReservoirItemsUnion}) of the same k.
 */
public final class SampleVerifier {
  private static final String ALL_EVENTS = "*";

  private SampleVerifier() {}

  /** Wires the checks over {@code events} (with timestamps) and joins them to the sketch's samples. */
  public static DataStream<WindowSample> verify(
      String job,
      DataStream<ClickEvent> events,
      DataStream<WindowSample> samples,
      Duration window,
      Duration allowedLateness,
      int k,
      int maxPartials) {
    SampleCheck reservoirs = new SampleCheck(k);
    DataStream<CheckFiring> checks =
        CheckWindows.firings(
            CheckWindows.localChecks(
                events, job + "/verify-local", event -> ALL_EVENTS, window, allowedLateness, reservoirs, maxPartials),
            job + "/verify-window",
            partial -> ALL_EVENTS,
            allowedLateness,
            reservoirs);
    return ResultPairing.pair(
        samples,
        sample -> ResultPairing.pairingKey(sample.windowStart, ALL_EVENTS),
        checks,
        new Pairing(allowedLateness.toMillis()),
        job + "/verify");
  }

  private static final class Pairing extends ResultPairing<WindowSample> {
    private static final long serialVersionUID = 1L;

    Pairing(long allowedLatenessMillis) {
      super(TypeInformation.of(WindowSample.class), allowedLatenessMillis);
    }

    @Override
    protected int firing(WindowSample sample) {
      return sample.firing;
    }

    @Override
    protected void setFiring(WindowSample sample, int firing) {
      sample.firing = firing;
    }

    @Override
    protected long windowEnd(WindowSample sample) {
      return sample.windowEnd;
    }

    @Override
    protected WindowSample enrich(WindowSample sample, WindowCheck check) {
      sample.exactItemsSeen = check.events;
      sample.datasketchesEventIds = SampleCheck.sampledEventIds(check);
      return sample;
    }
  }
}
