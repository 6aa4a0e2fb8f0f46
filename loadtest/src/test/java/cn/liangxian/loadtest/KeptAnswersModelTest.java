package cn.liangxian.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeptAnswersModelTest {
  @Test
  void keepingTheLatestServesEverySecondMemberWhileTheirWindowFits() {
    // 50 new households a second, asked again within 10 s: 500 of them in a window, 1,000 kept
    assertThat(KeptAnswersModel.servedKept(KeptAnswersModel.latest(1000), 50, 10, 0.6, 400, 1)).isEqualTo(1.0);
  }

  @Test
  void admittingByFrequencyTurnsTheNewHouseholdsAway() {
    // the same stream: the latest kept serve every second member, W-TinyLFU few (6% when this test was written)
    double latest = KeptAnswersModel.servedKept(KeptAnswersModel.latest(1000), 50, 10, 0.6, 400, 1);
    double tinyLfu = KeptAnswersModel.servedKept(KeptAnswersModel.tinyLfu(1000), 50, 10, 0.6, 400, 1);
    assertThat(tinyLfu).isLessThan(0.25).isLessThan(latest / 4);
  }

  @Test
  void keepingTooFewServesSomeAndTheModelSaysHowMany() {
    double served = KeptAnswersModel.servedKept(KeptAnswersModel.latest(100), 50, 10, 0.6, 400, 1);
    assertThat(served).isGreaterThan(0.05).isLessThan(0.5); // 100 of the 500 households a window holds
  }
}
