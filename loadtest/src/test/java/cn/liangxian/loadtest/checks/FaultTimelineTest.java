package cn.liangxian.loadtest.checks;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.loadtest.checks.FaultTimeline.Event;
import cn.liangxian.loadtest.checks.FaultTimeline.Probe;
import cn.liangxian.loadtest.checks.FaultTimeline.Window;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultTimelineTest {

  @Test
  void eachFaultCountsTheFailuresUntilTheNextAndTheTimeUntilServedAgain() {
    List<Event> events = List.of(new Event(0, "start"), new Event(1_000, "SIGKILL gateway 2"),
        new Event(1_500, "gateway 2 ready again"), new Event(5_000, "primary pg1 stopped (immediate)"),
        new Event(9_000, "SIGTERM gateway 3 (graceful restart)"), new Event(12_000, "end"));
    List<Probe> probes = List.of(new Probe(900, 200), new Probe(1_100, 502), new Probe(1_300, 200), new Probe(2_000, 200),
        new Probe(5_200, 503), new Probe(6_000, 503), new Probe(7_400, 200), new Probe(8_000, 200),
        new Probe(9_500, 200), new Probe(11_000, 200));
    List<Window> w = FaultTimeline.windows(events, probes);
    assertThat(w).extracting(x -> x.fault().name()).containsExactly("SIGKILL gateway 2", "primary pg1 stopped (immediate)",
        "SIGTERM gateway 3 (graceful restart)");
    assertThat(w.get(0)).extracting(Window::requests, Window::failed, Window::recoveredAfterMillis).containsExactly(3, 1, 300L);
    assertThat(w.get(1)).extracting(Window::requests, Window::failed, Window::recoveredAfterMillis).containsExactly(4, 2, 2_400L);
    assertThat(w.get(2)).extracting(Window::requests, Window::failed, Window::recoveredAfterMillis).containsExactly(2, 0, -1L);
  }
}
