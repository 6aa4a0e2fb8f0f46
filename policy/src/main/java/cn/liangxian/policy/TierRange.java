package cn.liangxian.policy;

import java.util.ArrayList;
import java.util.List;

/** Pension tiers a notice gives as a range: "300-4000 元, 按 100 元的整数倍" (from, to, step, in fen). */
record TierRange(long fromFen, long toFen, long stepFen) {

  static TierRange read(YamlNode r) {
    r.allowOnly("from", "to", "step", "source");
    long from = r.field("from").positiveFen();
    long to = r.field("to").positiveFen();
    long step = r.field("step").positiveFen();
    if (to < from) {
      throw r.field("to").error("range ends below where it starts");
    }
    if ((to - from) % step != 0) {
      throw r.field("step").error("steps of " + step / 100.0 + " from " + from / 100 + " do not reach " + to / 100);
    }
    if ((to - from) / step > 1000) {
      throw r.field("step").error("more than 1000 tiers: check the step");
    }
    return new TierRange(from, to, step);
  }

  List<Long> tiersFen() {
    List<Long> out = new ArrayList<>();
    for (long t = fromFen; t <= toFen; t += stepFen) {
      out.add(t);
    }
    return out;
  }
}
