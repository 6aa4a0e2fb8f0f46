package cn.liangxian.gateway.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Eventually;
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
import org.junit.jupiter.api.Test;

/** Missing callbacks, payments for orders no longer payable, and callback, query and expiry racing. */
class PaymentRecoveryTest {
  TestGateway g;

  @BeforeEach
  void start() throws Exception {
    g = Fixture.load(new TestGateway());
  }

  @AfterEach
  void stop() throws Exception {
    g.close();
  }

  JsonObject orderChen(String channel) throws Exception {
    JsonObject h = g.lookup(Fixture.CHEN, "陈一");
    JsonObject body = new JsonObject().put("householdRef", h.getJsonObject("household").getString("ref")).put("channel", channel)
        .put("mode", "qr").put("items", new JsonArray().add(new JsonObject()
            .put("memberRef", h.getJsonArray("members").getJsonObject(0).getString("ref")).put("insurance", "medical").put("year", 2020)));
    HttpResponse<Buffer> r = g.post("/api/v1/orders", body, "Idempotency-Key", UUID.randomUUID().toString());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject();
  }


  long count(String sql) throws Exception {
    return g.count(sql);
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"wechat", "alipay"})
  void aMissingCallbackIsFoundByQueryingTheChannel(String channel) throws Exception {
    g.gateway.demo().sandbox().faults(new SandboxFaults(0, 0, true, 0, false)); // the channel never calls back
    JsonObject o = orderChen(channel);
    g.gateway.demo().sandbox().pay(o.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get();
    // the notification is dropped, and the sweeper has seen the order paying and left it (the clock has not moved)
    Eventually.until("the sandbox to drop the notification", () -> g.paymentNotifications(o.getString("outTradeNo")),
        l -> l.stream().anyMatch(d -> d.getInteger("status") == -1));
    Eventually.until("a sweep that sees the order paying", () -> g.metrics().contains("liangxian_orders_paying 1.0"));
    assertThat(g.get("/api/v1/orders/" + o.getString("id")).bodyAsJsonObject().getString("state")).isEqualTo("PAYING");
    g.clock.advance(Duration.ofSeconds(31));
    JsonObject paid = g.awaitState(o.getString("id"), "PAID");
    assertThat(paid.getString("transactionId")).isNotBlank();
    assertThat(count("select count(*) from payment where source = 'query' and order_id = '" + o.getString("id") + "'")).isEqualTo(1);
    assertThat(g.get("/api/v1/orders/" + o.getString("id") + "/receipt").statusCode()).isEqualTo(200);
  }

  @Test
  void aPaymentWechatTookInAnotherCurrencyIsNeverAppliedByAQueryAndTheSweepGoesOn() throws Exception {
    var sandbox = g.gateway.demo().sandbox();
    JsonObject o = orderChen("wechat");
    String no = o.getString("outTradeNo");
    // WeChat Pay takes the order's total in US dollars: its notification is refused
    sandbox.payInCurrency(no, "USD").toCompletionStage().toCompletableFuture().get();
    Eventually.until("the notification to be refused", () -> g.paymentNotifications(no), l -> l.stream().anyMatch(d -> d.getInteger("status") == 400));
    // a neighbour paid as usual, whose notification is lost: the sweep must still find it
    sandbox.faults(new SandboxFaults(0, 0, true, 0, false));
    HttpResponse<Buffer> r = g.orderUnpaidMedical(g.lookup(Fixture.ZHANG, "张三"), "wechat", "qr");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    JsonObject neighbour = r.bodyAsJsonObject();
    sandbox.pay(neighbour.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get();
    sandbox.faults(SandboxFaults.NONE);

    // the query says SUCCESS, in dollars: refused, not a trade paid in fen
    Throwable refused = g.gateway.channels().get("wechat").query(no).toCompletionStage().toCompletableFuture()
        .handle((t, e) -> e).get();
    while (refused instanceof java.util.concurrent.CompletionException) {
      refused = refused.getCause();
    }
    assertThat(refused).isInstanceOfSatisfying(cn.liangxian.gateway.channel.ChannelException.class,
        e -> assertThat(e.code()).isEqualTo("WRONG_CURRENCY"));

    // past the order's time the stuck-order query and the expiry both ask; neither applies it nor releases its items
    g.clock.advance(Duration.ofMinutes(16));
    assertThat(g.awaitState(neighbour.getString("id"), "PAID").getString("state")).isEqualTo("PAID");
    Eventually.until("the expiry to be put off", () -> count("select expiry_attempts from orders where id = '" + o.getString("id") + "'") > 0);
    assertThat(g.get("/api/v1/orders/" + o.getString("id")).bodyAsJsonObject().getString("state")).isEqualTo("PAYING");
    assertThat(count("select count(*) from payment where order_id = '" + o.getString("id") + "'")).isZero();
    assertThat(count("select count(*) from reservation where order_id = '" + o.getString("id") + "'")).isEqualTo(1);
  }

  @Test
  void aCancelAfterThePhonePaidFindsThePaymentAndTheOrderIsPaidNotRefunded() throws Exception {
    g.gateway.demo().sandbox().faults(new SandboxFaults(0, 0, true, 0, false));
    JsonObject o = orderChen("wechat");
    // the resident pays on the phone (its notification lost) while the kiosk cancels: the close at the
    // channel finds the trade paid, so the order is PAID and the cancel refused; nothing to refund
    g.gateway.demo().sandbox().pay(o.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get();
    var cancel = g.post("/api/v1/orders/" + o.getString("id") + "/cancel", new JsonObject());
    assertThat(cancel.statusCode()).as(cancel.bodyAsString()).isEqualTo(409);
    assertThat(cancel.bodyAsJsonObject().getString("state")).isEqualTo("PAID");
    g.gateway.demo().sandbox().faults(SandboxFaults.NONE);
    g.gateway.demo().sandbox().renotify(o.getString("outTradeNo"));
    g.awaitNotified(o.getString("outTradeNo"), 1);
    assertThat(g.awaitState(o.getString("id"), "PAID").getString("state")).isEqualTo("PAID");
    assertThat(count("select count(*) from refund where order_id = '" + o.getString("id") + "'")).isZero();
    assertThat(count("select count(*) from payment where order_id = '" + o.getString("id") + "'")).isEqualTo(1);
    assertThat(g.gateway.channels().get("wechat").query(o.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get()
        .state()).isEqualTo(cn.liangxian.gateway.channel.PaymentChannel.Trade.State.PAID);
  }

  @Test
  void callbackQueryAndExpiryAtOnceLeaveExactlyOneOutcomeAndNoMoneyLost() throws Exception {
    int rounds = 12;
    for (int i = 0; i < rounds; i++) {
      String channel = i % 2 == 0 ? "wechat" : "alipay";
      g.gateway.demo().sandbox().faults(new SandboxFaults(i % 4 * 40, i % 3, false, 0, i % 5 == 0));
      JsonObject o = orderChen(channel);
      g.gateway.demo().sandbox().pay(o.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get();
      g.clock.advance(Duration.ofMinutes(16)); // expiry and the active query start at once, while callbacks are in flight
      JsonObject done = g.awaitState(o.getString("id"), "PAID", "REFUNDED");
      g.awaitNotified(o.getString("outTradeNo"), 1 + i % 3); // every copy sent has been handled: duplicates landed
      String id = o.getString("id");
      assertThat(count("select count(*) from payment where order_id = '" + id + "'")).as("round " + i).isEqualTo(1);
      if (done.getString("state").equals("PAID")) {
        assertThat(count("select count(*) from refund where order_id = '" + id + "'")).isZero();
        assertThat(count("select count(*) from reservation where paid and order_id = '" + id + "'")).isEqualTo(1);
      } else {
        assertThat(count("select count(*) from refund where order_id = '" + id + "'")).isEqualTo(1);
      }
      if (done.getString("state").equals("PAID")) {
        // give the item back for the next round: this test is about the outcome, not about the person
        try (Connection c = g.db.connect(); Statement st = c.createStatement()) {
          st.execute("delete from reservation where order_id = '" + id + "'");
        }
      }
    }
    assertThat(count("select count(*) from orders where state not in ('PAID', 'REFUNDED')")).isZero();
  }
}
