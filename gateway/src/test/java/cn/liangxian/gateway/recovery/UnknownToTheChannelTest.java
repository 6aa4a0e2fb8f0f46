package cn.liangxian.gateway.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.order.Orders;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.sandbox.fault.SandboxFaults;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An order the channel never heard of (the gateway died between reserving the items and the prepay): nobody was
 * shown anything to pay it with, so once the prepay would long have been answered it is given up and frees the
 * family's items, on both channels, without waiting for its time to run out.
 */
class UnknownToTheChannelTest {
  TestGateway g;

  @BeforeEach
  void start() throws Exception {
    g = Fixture.load(new TestGateway());
  }

  @AfterEach
  void stop() throws Exception {
    g.close();
  }

  private HttpResponse<Buffer> orderChen(String channel) throws Exception {
    JsonObject h = g.lookup(Fixture.CHEN, "陈一");
    JsonObject body = new JsonObject().put("householdRef", h.getJsonObject("household").getString("ref")).put("channel", channel)
        .put("mode", "qr").put("items", new JsonArray().add(new JsonObject()
            .put("memberRef", h.getJsonArray("members").getJsonObject(0).getString("ref")).put("insurance", "medical").put("year", 2020)));
    return g.post("/api/v1/orders", body, "Idempotency-Key", UUID.randomUUID().toString());
  }

  /** What the gateway's reservation writes before it calls the channel, for an order no channel ever saw. */
  private String reservedButNeverPrepaid(String channel, String like) throws Exception {
    String id = UUID.randomUUID().toString();
    try (Connection c = g.db.connect(); Statement st = c.createStatement()) {
      st.executeUpdate("insert into orders (id, household_id, region_code, channel, mode, state, total_fen, client_id, created_at,"
          + " expires_at) select '" + id + "', household_id, region_code, '" + channel + "', mode, 'PAYING', total_fen, client_id,"
          + " created_at, expires_at from orders where id = '" + like + "'");
      st.executeUpdate("insert into order_item (order_id, person_id, insurance, year, tier_yuan, personal_fen, government_fen,"
          + " subsidy_fen, later_fen, total_fen, rules) select '" + id + "', person_id, insurance, year, tier_yuan, personal_fen,"
          + " government_fen, subsidy_fen, later_fen, total_fen, rules from order_item where order_id = '" + like + "'");
      st.executeUpdate("insert into reservation (person_id, insurance, year, order_id, held_until) select person_id, insurance,"
          + " year, '" + id + "', (select expires_at from orders where id = '" + id + "') from order_item where order_id = '" + id + "'");
    }
    return id;
  }

  @ParameterizedTest
  @ValueSource(strings = {"wechat", "alipay"})
  void anOrderTheChannelNeverSawIsGivenUpAndFreesTheFamily(String channel) throws Exception {
    HttpResponse<Buffer> first = orderChen(channel);
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(201);
    String like = first.bodyAsJsonObject().getString("id");
    g.scan(first.bodyAsJsonObject()); // a code nobody has scanned stays payable till its time (CancellationTest)
    assertThat(g.post("/api/v1/orders/" + like + "/cancel", new JsonObject()).statusCode()).isEqualTo(200);
    String stranded = reservedButNeverPrepaid(channel, like);
    assertThat(orderChen(channel).statusCode()).as("the stranded order holds the item").isEqualTo(409);

    g.clock.advance(Orders.PREPARE_AT_MOST.plusSeconds(1)); // its fifteen minutes are far from over
    g.awaitState(stranded, "FAILED");
    HttpResponse<Buffer> again = orderChen(channel);
    assertThat(again.statusCode()).as(again.bodyAsString()).isEqualTo(201);
  }

  @ParameterizedTest
  @ValueSource(strings = {"wechat", "alipay"})
  void anOrderWhosePrepayFoundTheChannelUnreachableHoldsNothing(String channel) throws Exception {
    // logged in while the channel answers: its login is not what this tests
    g.lookup(Fixture.CHEN, "陈一");
    g.bearer(TestGateway.DEFAULT_RESIDENT);
    // the channel's API fails until the order has been refused (failing once only, the failure could go to
    // the sweeper's query of an earlier round's order instead of this prepay)
    g.gateway.demo().sandbox().faults(new SandboxFaults(0, 0, false, 1_000, false));
    HttpResponse<Buffer> refused = orderChen(channel);
    assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(503);
    g.gateway.demo().sandbox().faults(SandboxFaults.NONE);
    HttpResponse<Buffer> again = orderChen(channel);
    assertThat(again.statusCode()).as(again.bodyAsString()).isEqualTo(201);
  }
}
