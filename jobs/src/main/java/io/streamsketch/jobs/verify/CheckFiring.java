package io.streamsketch.jobs.verify;

import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/** One firing of a verify window: the {@link WindowCheck} of (key, window) as of firing {@code firing}. */
public class CheckFiring {
  public static final TypeInformation<CheckFiring> TYPE =
      Types.POJO(
          CheckFiring.class,
          Map.of(
              "key", Types.STRING,
              "windowStart", Types.LONG,
              "windowEnd", Types.LONG,
              "firing", Types.INT,
              "check", WindowCheck.TYPE));

  public String key;
  public long windowStart;
  public long windowEnd;
  public int firing;
  public WindowCheck check;

  public CheckFiring() {}

  CheckFiring(String key, long windowStart, long windowEnd, int firing, WindowCheck check) {
    this.key = key;
    this.windowStart = windowStart;
    this.windowEnd = windowEnd;
    this.firing = firing;
    this.check = check;
  }
}
