package cn.liangxian.gateway.roster;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The start-up banner names residents: made-up ones of the demo roster, and never anyone of a real roster. */
class DemoRosterTest {

  @Test
  void theDemoRosterAloneGivesExamplesToTry() throws Exception {
    try (TestGateway g = new TestGateway(Map.of("GATEWAY_DEMO_ROSTER", "true"))) {
      assertThat(DemoRoster.examples(g.db, g.gateway.cipher(), 5)).hasSize(5);
      // a real roster beside it: its people must not be printed, nor may the demo's hide them
      g.importCsv("village-roster.csv", Fixture.ROSTER);
      assertThat(DemoRoster.examples(g.db, g.gateway.cipher(), 5)).isEmpty();
    }
  }

  @Test
  void aRealRosterNeverGivesExamples() throws Exception {
    try (TestGateway g = new TestGateway()) {
      g.importCsv("village-roster.csv", Fixture.ROSTER);
      assertThat(DemoRoster.examples(g.db, g.gateway.cipher(), 5)).isEmpty();
    }
  }
}
