package cn.liangxian.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SizingModelTest {

  @Test
  void theProvincePeakFollowsFromTheAssumptionsByHand() {
    SizingModel m = new SizingModel();
    SizingModel.Peak p = m.province();
    // 70M medical; pension 70M x 545/963 = 39.6M, 69% contributing, 20% of them in orders of their own
    double pension = 70e6 * 545 / 963 * 0.69 * 0.2;
    double orders = (70e6 + pension) * 0.7 / 2.6 / 0.9;
    double perSecond = orders * 0.3 / 3 * 0.12 / 3600 * 3.0;
    assertThat(p.orders()).isCloseTo(orders, within(1.0));
    assertThat(p.ordersPerSecond()).isCloseTo(perSecond, within(1e-6));
    assertThat(p.requestsPerSecond().get("POST /api/v1/lookup")).isCloseTo(perSecond * 3, within(1e-6));
    assertThat(p.requestsPerSecond().get("GET /api/v1/orders/{id}")).isCloseTo(perSecond * 5, within(1e-6));
    assertThat(p.requestsPerSecond().get("POST /api/v1/callbacks/*")).isCloseTo(perSecond * 0.9 * 1.2, within(1e-6));
    assertThat(p.totalRequestsPerSecond()).isCloseTo(perSecond * (3 + 1 + 0.9 * 1.2 + 5 + 0.9), within(1e-6));
  }

  @Test
  void theCountryScalesWithItsParticipants() {
    SizingModel m = new SizingModel();
    double ratio = m.country().ordersPerSecond() / m.province().ordersPerSecond();
    assertThat(ratio).isCloseTo(963.0 / 70, within(1e-9));
  }

  @Test
  void instancesAreCeilingsAtTheTargetUtilisation() {
    SizingModel m = SizingModel.fromArgs("measuredOrdersPerSecond=50", "measuredLookupsPerSecond=1000", "targetUtilisation=0.5");
    SizingModel.Peak p = m.province();
    assertThat(p.instancesForOrders()).isEqualTo((int) Math.ceil(p.ordersPerSecond() / 25));
    assertThat(p.instancesForLookups()).isEqualTo((int) Math.ceil(p.requestsPerSecond().get("POST /api/v1/lookup") / 500));
    assertThat(p.instances()).isEqualTo(Math.max(p.instancesForOrders(), p.instancesForLookups()));
    assertThat(new SizingModel().province().instances()).isZero(); // nothing measured, nothing claimed
  }

  @Test
  void moreOfThePeakInTheLastDaysMeansMoreLoad() {
    double base = new SizingModel().province().ordersPerSecond();
    assertThat(SizingModel.fromArgs("lastDaysShare=0.6").province().ordersPerSecond()).isCloseTo(base * 2, within(1e-9));
    assertThat(SizingModel.fromArgs("peakMinuteFactor=1").province().ordersPerSecond()).isCloseTo(base / 3, within(1e-9));
  }

  @Test
  void badAssumptionsAreRefusedByName() {
    assertThatThrownBy(() -> SizingModel.fromArgs("onlineShare=1.5")).hasMessageContaining("onlineShare is a share");
    assertThatThrownBy(() -> SizingModel.fromArgs("nosuch=1")).hasMessageContaining("no assumption named 'nosuch'");
    assertThatThrownBy(() -> SizingModel.fromArgs("lastDays=-1")).hasMessageContaining("zero or more");
    assertThatThrownBy(() -> SizingModel.fromArgs("lastDays=three")).hasMessageContaining("not a number");
    assertThatThrownBy(() -> SizingModel.fromArgs("lastDays")).hasMessageContaining("name=value");
  }

  @Test
  void theReportNamesEveryAssumptionAndEndpoint() {
    String r = SizingModel.fromArgs("measuredOrdersPerSecond=40", "measuredLookupsPerSecond=900").report();
    SizingModel.DEFAULTS.forEach(a -> assertThat(r).contains(a.name()));
    assertThat(r).contains("POST /api/v1/lookup", "POST /api/v1/orders", "GET /api/v1/orders/{id}/receipt", "instances needed");
  }
}
