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

  /** A name that suits its holder: the kiosk shows 男 or 女 from the ID number beside it, as the card itself says. */
  @Test
  void aMadeUpNameSuitsTheSexItsIdNumberGives() {
    String womensOnly = "芳娜秀英静丽艳娟兰霞桂玉梅燕红萍玲婷慧琴莉洁颖倩雪芬";
    String mensOnly = "伟强磊军洋勇杰涛超刚建辉力国庆志东斌峰鹏俊浩宇鑫亮成威";
    String[] rows = DemoRoster.csv(300, 20191215L).get(0).split("\n");
    int men = 0;
    int women = 0;
    for (int i = 1; i < rows.length; i++) {
      String[] f = rows[i].split(",", -1);
      boolean man = (f[4].charAt(16) - '0') % 2 == 1;
      String given = f[5].substring(1);
      for (char c : given.toCharArray()) {
        assertThat((man ? womensOnly : mensOnly).indexOf(c)).as("%s, a %s", f[5], man ? "man" : "woman").isNegative();
      }
      men += man ? 1 : 0;
      women += man ? 0 : 1;
    }
    assertThat(men).isPositive();
    assertThat(women).isPositive();
    // the demo card's resident, and the README's, as the roster names them
    assertThat(rows).anyMatch(r -> r.contains(",371312196205108490,潘威,"));
  }

  @Test
  void aRealRosterNeverGivesExamples() throws Exception {
    try (TestGateway g = new TestGateway()) {
      g.importCsv("village-roster.csv", Fixture.ROSTER);
      assertThat(DemoRoster.examples(g.db, g.gateway.cipher(), 5)).isEmpty();
    }
  }

  /** Nor one imported under the demo's own file names: who imported the demo is what counts, never the name of a file. */
  @Test
  void aRealRosterUnderTheDemosFileNameNeverGivesExamples() throws Exception {
    try (TestGateway g = new TestGateway()) {
      g.importCsv(DemoRoster.ROSTER_FILE, Fixture.ROSTER);
      assertThat(DemoRoster.examples(g.db, g.gateway.cipher(), 5)).isEmpty();
    }
  }
}
