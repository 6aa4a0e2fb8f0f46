package cn.liangxian.gateway.payment;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.sandbox.ChannelSandbox;
import cn.liangxian.sandbox.fault.SandboxFaults;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * A genuine notification the gateway cannot apply now (its database refusing the write, as during a failover) is
 * answered 503 with WeChat Pay's FAIL body, so that the channel delivers it again, and nothing is booked; delivered
 * again once the database takes writes, it is booked, once.
 */
class CallbackNotAppliedTest {

  @Test
  void aNotificationNotAppliedNowIsAnswered503AndBookedWhenDeliveredAgain() throws Exception {
    try (TestGateway g = Fixture.load(new TestGateway())) {
      ChannelSandbox sandbox = g.gateway.demo().sandbox();
      sandbox.faults(new SandboxFaults(0, 0, true, 0, false)); // the resident pays; the test posts the notification
      HttpResponse<Buffer> created = g.orderUnpaidMedical(g.lookup(Fixture.CHEN, "陈一"), "wechat", "qr");
      assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
      JsonObject order = created.bodyAsJsonObject();
      CallbackReplayTest.await(sandbox.pay(order.getString("outTradeNo")));
      JsonObject signed = CallbackReplayTest.await(sandbox.signedWechat("1900000001",
          CallbackReplayTest.await(sandbox.transactionOf(order.getString("outTradeNo")))));

      sql(g, "create function refuse_payment() returns trigger language plpgsql as"
          + " $$ begin raise exception 'the database takes no writes now'; end $$");
      sql(g, "create trigger refuse_payment before insert on payment for each row execute function refuse_payment()");
      HttpResponse<Buffer> refused = CallbackReplayTest.post(g, signed);
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.bodyAsJsonObject().getString("code")).isEqualTo("FAIL");
      assertThat(g.count("select count(*) from payment where order_id = '" + order.getString("id") + "'")).isZero();

      sql(g, "drop trigger refuse_payment on payment");
      assertThat(CallbackReplayTest.post(g, signed).statusCode()).isEqualTo(204);
      assertThat(g.awaitState(order.getString("id"), "PAID").getString("state")).isEqualTo("PAID");
      assertThat(g.count("select count(*) from payment where order_id = '" + order.getString("id") + "'")).isEqualTo(1);
    }
  }

  private static void sql(TestGateway g, String sql) throws Exception {
    try (Connection c = g.db.connect(); Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }
}
