package cn.liangxian.gateway.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.sandbox.fault.SandboxFaults;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** An order past its time is closed at its channel once, though the sweeps come faster than the channel answers. */
class ExpiryClaimTest {

  @Test
  void aSweepDueWhileTheLastOneIsStillClosingAnOrderLeavesItAlone() throws Exception {
    try (TestGateway g = Fixture.load(new TestGateway())) {
      JsonObject o = OneSweeperTest.orderChen(g);
      // the channel slow at the deadline: each close takes many sweeps (200 ms apart here) to be answered
      g.gateway.demo().sandbox().faults(new SandboxFaults(0, 0, false, 0, false, 3_000));
      g.clock.advance(Duration.ofMinutes(16));
      g.awaitState(o.getString("id"), "EXPIRED");
      String close = "POST /v3/pay/transactions/out-trade-no/" + o.getString("outTradeNo") + "/close";
      assertThat(g.gateway.demo().sandbox().calls().stream().filter(close::equals).count()).isEqualTo(1);
    }
  }
}
