package cn.liangxian.gateway.payment;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.channel.unionpay.UnionPayTrust;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.sandbox.ChannelSandbox;
import cn.liangxian.sandbox.fault.SandboxFaults;
import cn.liangxian.sandbox.unionpay.UnionPayPlatform;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * UnionPay QR end to end through the order API and the sandbox speaking UnionPay's wire format: a
 * resident pays, the notification is applied once; forged, stale, tampered and mismatched notifications
 * change nothing; a lost notification is recovered by query.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnionPayCallbackTest {
  TestGateway g;
  ChannelSandbox sandbox;
  String url;

  @BeforeAll
  void start() throws Exception {
    g = Fixture.load(new TestGateway());
    sandbox = g.gateway.demo().sandbox();
    url = "http://127.0.0.1:" + g.gateway.httpPort() + "/api/v1/callbacks/unionpay";
  }

  @AfterAll
  void stop() throws Exception {
    g.close();
  }

  HttpResponse<Buffer> order(String id, String name, String mode) throws Exception {
    JsonObject h = g.lookup(id, name);
    return g.orderUnpaidMedical(h, "unionpay", mode);
  }

  static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  int send(Map<String, String> fields) throws Exception {
    return await(sandbox.sendUnionPay(url, fields));
  }

  String lastOutcome() throws Exception {
    try (Connection c = g.db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("select outcome, verified from callback_log where channel = 'unionpay' order by id desc limit 1")) {
      rs.next();
      return rs.getString(1) + (rs.getBoolean(2) ? "" : " (unverified)");
    }
  }

  int payments(String orderId) throws Exception {
    try (Connection c = g.db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("select count(*) from payment where order_id = '" + orderId + "'")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** The operators' alert reads when each certificate the merchant relies on expires. */
  @Test
  void theMerchantsCertificatesExpiriesAreGauges() throws Exception {
    String m = g.metrics();
    for (var c : Map.of("root", sandbox.unionPayRoot(), "middle", sandbox.unionPayMiddle()).entrySet()) {
      String line = m.lines().filter(l -> l.startsWith("liangxian_channel_certificate_expiry_timestamp_seconds{")
          && l.contains("certificate=\"" + c.getKey() + "\"") && l.contains("channel=\"unionpay\"")).findFirst().orElseThrow();
      assertThat(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
          .isEqualTo((double) c.getValue().getNotAfter().toInstant().getEpochSecond());
    }
    String sign = m.lines().filter(l -> l.startsWith("liangxian_channel_certificate_expiry_timestamp_seconds{")
        && l.contains("certificate=\"sign\"")).findFirst().orElseThrow();
    assertThat(sign).contains("merchant=\"" + cn.liangxian.sandbox.DemoMerchant.UNIONPAY_MER_ID + "\"");
    assertThat(Double.parseDouble(sign.substring(sign.lastIndexOf(' ') + 1))).isGreaterThan(g.clock.instant().getEpochSecond());
  }

  @Test
  void aResidentScansTheCodeAndTheOrderIsPaidOnce() throws Exception {
    JsonArray offered = g.get("/api/v1/channels").bodyAsJsonObject().getJsonArray("channels");
    assertThat(offered.stream().map(c -> ((JsonObject) c).getString("name")).toList()).containsExactly("wechat", "alipay", "unionpay");
    assertThat(offered.getJsonObject(2).getJsonArray("modes").getList()).containsExactly("qr");
    assertThat(order(Fixture.ZHANG, "张三", "mini").statusCode()).isEqualTo(400);
    HttpResponse<Buffer> r = order(Fixture.ZHANG, "张三", "qr");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    JsonObject o = r.bodyAsJsonObject();
    String code = o.getJsonObject("payment").getString("codeUrl");
    assertThat(code).isEqualTo(g.gateway.demo().sandbox().baseUrl() + "/sandbox/pay/unionpay/" + o.getString("outTradeNo"));
    assertThat(g.http.getAbs(code).send().toCompletionStage().toCompletableFuture().get().bodyAsString()).contains("云闪付", "确认支付");
    await(sandbox.pay(o.getString("outTradeNo")));
    g.awaitState(o.getString("id"), "PAID");
    await(sandbox.renotify(o.getString("outTradeNo")));
    g.awaitNotified(o.getString("outTradeNo"), 2);
    assertThat(payments(o.getString("id"))).isEqualTo(1);
    assertThat(g.get("/api/v1/orders/" + o.getString("id") + "/receipt").statusCode()).isEqualTo(200);
  }

  @Test
  void forgedStaleTamperedAndMismatchedNotificationsChangeNothing() throws Exception {
    HttpResponse<Buffer> r = order(Fixture.CHEN, "陈一", "qr");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    JsonObject o = r.bodyAsJsonObject();
    sandbox.faults(new SandboxFaults(0, 0, true, 0, false)); // the resident pays; the notifications are ours to send
    try {
      await(sandbox.pay(o.getString("outTradeNo")));
    } finally {
      sandbox.faults(SandboxFaults.NONE);
    }
    Map<String, String> real = await(sandbox.unionPayNotificationOf(o.getString("outTradeNo")));
    UnionPayPlatform unionpay = sandbox.unionPayPlatform();
    Instant now = g.clock.instant();

    Map<String, String> tampered = new LinkedHashMap<>(real);
    unionpay.sign(tampered);
    tampered.put("txnAmt", "1");
    assertThat(send(tampered)).isEqualTo(400);
    assertThat(lastOutcome()).isEqualTo("bad_signature (unverified)");

    Map<String, String> otherMerchant = new LinkedHashMap<>(real);
    otherMerchant.put("merId", "777290058110099");
    unionpay.sign(otherMerchant);
    assertThat(send(otherMerchant)).isEqualTo(400);
    assertThat(lastOutcome()).isEqualTo("wrong_merchant");

    // the order's amount in US dollars (ISO 4217 840), signed by UnionPay all the same
    Map<String, String> dollars = new LinkedHashMap<>(real);
    dollars.put("currencyCode", "840");
    unionpay.sign(dollars);
    assertThat(send(dollars)).isEqualTo(400);
    assertThat(lastOutcome()).isEqualTo("wrong_currency");

    // UnionPay's own name of the transaction missing: the payment could not be told from its own re-delivery
    Map<String, String> nameless = new LinkedHashMap<>(real);
    nameless.remove("queryId");
    unionpay.sign(nameless);
    assertThat(send(nameless)).isEqualTo(400);
    assertThat(lastOutcome()).startsWith("missing_fields");

    Map<String, String> forged = new LinkedHashMap<>(real);
    new UnionPayPlatform(now, "forger").sign(forged); // a forger's own root and middle, UnionPay's name
    assertThat(send(forged)).isEqualTo(400);
    assertThat(lastOutcome()).isEqualTo("untrusted_certificate (unverified)");

    Map<String, String> stale = new LinkedHashMap<>(real);
    unionpay.signWith(stale, unionpay.issue(UnionPayTrust.UNIONPAY_NAME, now.minus(Duration.ofDays(400)), now.minus(Duration.ofDays(1))),
        unionpay.signKeys().getPrivate());
    assertThat(send(stale)).isEqualTo(400);
    assertThat(lastOutcome()).isEqualTo("untrusted_certificate (unverified)");

    Map<String, String> someoneElse = new LinkedHashMap<>(real);
    unionpay.signWith(someoneElse, unionpay.issue("某某科技有限公司", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30))),
        unionpay.signKeys().getPrivate());
    assertThat(send(someoneElse)).isEqualTo(400);
    assertThat(lastOutcome()).isEqualTo("untrusted_certificate (unverified)");

    assertThat(send(real)).isEqualTo(400); // unsigned
    assertThat(lastOutcome()).isEqualTo("missing_fields (unverified)");
    assertThat(g.get("/api/v1/orders/" + o.getString("id")).bodyAsJsonObject().getString("state")).isEqualTo("PAYING");
    assertThat(payments(o.getString("id"))).isZero();

    Map<String, String> genuine = new LinkedHashMap<>(real);
    unionpay.sign(genuine);
    assertThat(send(genuine)).isEqualTo(200);
    assertThat(send(genuine)).isEqualTo(200);
    assertThat(g.get("/api/v1/orders/" + o.getString("id")).bodyAsJsonObject().getString("state")).isEqualTo("PAID");
    assertThat(payments(o.getString("id"))).isEqualTo(1);
    assertThat(g.get("/metrics").bodyAsString().lines()
        .filter(l -> l.startsWith("liangxian_callbacks_refused_total") && l.contains("channel=\"unionpay\"")
            && l.contains("reason=\"untrusted_certificate\"")))
        .singleElement().satisfies(l -> assertThat(l).endsWith(" 3.0"));
  }

  @Test
  void aLostNotificationIsRecoveredByQuery() throws Exception {
    HttpResponse<Buffer> r = order(Fixture.LIU1, "刘一", "qr");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    JsonObject o = r.bodyAsJsonObject();
    sandbox.faults(new SandboxFaults(0, 0, true, 0, false));
    Instant paid = g.clock.instant();
    try {
      await(sandbox.pay(o.getString("outTradeNo")));
    } finally {
      sandbox.faults(SandboxFaults.NONE);
    }
    g.clock.advance(Duration.ofSeconds(31));
    g.awaitState(o.getString("id"), "PAID");
    assertThat(payments(o.getString("id"))).isEqualTo(1);
    // dated when UnionPay carried the payment (its traceTime, to the second), not when the query found it
    assertThat(g.count("select extract(epoch from paid_at)::bigint from orders where id = '" + o.getString("id") + "'"))
        .isEqualTo(paid.getEpochSecond());
    assertThat(sandbox.calls()).anyMatch(c -> c.equals("POST /gateway/api/queryTrans.do"));
  }
}
