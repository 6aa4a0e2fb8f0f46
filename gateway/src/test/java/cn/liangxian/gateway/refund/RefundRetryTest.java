package cn.liangxian.gateway.refund;

import static cn.liangxian.gateway.support.TestGateway.ref;
import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.operator.Role;
import cn.liangxian.gateway.operator.Scope;
import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.sandbox.fault.Faults;
import cn.liangxian.sandbox.fault.SandboxFaults;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A refund owed to a resident never stays PENDING: it is requested again, asked about, and ends SUCCESS or FAILED. */
class RefundRetryTest {
  TestGateway g;
  String token;

  @BeforeEach
  void start() throws Exception {
    g = Fixture.load(new TestGateway());
    token = g.operatorToken(Role.FINANCE, Scope.ALL);
  }

  @AfterEach
  void stop() throws Exception {
    g.close();
  }

  private JsonObject household() throws Exception {
    return g.lookup(Fixture.ZHANG, "张三");
  }

  private void sql(String sql) throws Exception {
    try (Connection c = g.db.connect(); Statement st = c.createStatement()) {
      st.executeUpdate(sql);
    }
  }

  @Test
  void anOrderTheChannelCannotCloseHoldsBackNeitherTheRefundsNorItsNeighbours() throws Exception {
    JsonObject o = g.payZhangFamilyMedical(household(), "alipay");
    // an order past its time at a merchant no longer configured (its QR code shown): its channel cannot close it, the
    // sweep tries again later
    sql("insert into orders (id, household_id, region_code, channel, mode, state, total_fen, client_id, created_at, expires_at, merchant,"
        + " payment) select gen_random_uuid(), household_id, region_code, 'wechat', 'qr', 'PAYING', 100, 'k', '2019-12-15T01:40:00Z',"
        + " '2019-12-15T01:55:00Z', 'gone-merchant', '{\"codeUrl\": \"weixin://wxpay/bizpayurl?pr=gone\"}'::jsonb from orders"
        + " where id = '" + o.getString("id") + "'");
    String no = o.getString("outTradeNo") + "-sweep";
    sql("insert into refund (order_id, out_refund_no, amount_fen, reason, state, created_at, updated_at, next_attempt_at) values ('"
        + o.getString("id") + "', '" + no + "', 25000, 'duplicate', 'PENDING', '2019-12-15T02:00:00Z', '2019-12-15T02:00:00Z',"
        + " '2019-12-15T02:00:30Z')");
    g.clock.advance(Duration.ofSeconds(31));
    awaitRefund(no, "SUCCESS");
    try (Connection c = g.db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
        "select state, expiry_retry_at is not null, expiry_attempts from orders where merchant = 'gone-merchant'")) {
      rs.next();
      assertThat(rs.getString(1)).as("never released while the channel may still take its payment").isEqualTo("PAYING");
      assertThat(rs.getBoolean(2)).as("tried again later, not on every sweep").isTrue();
      assertThat(rs.getInt(3)).isPositive();
    }
  }

  private JsonObject refundLi(JsonObject h, JsonObject o) throws Exception {
    JsonObject body = new JsonObject().put("orderId", o.getString("id")).put("memberRef", ref(h, Fixture.LI))
        .put("insurance", "medical").put("reason", "death");
    var r = g.http.post("/api/v1/operator/refunds").putHeader("Content-Type", "application/json")
        .putHeader("Authorization", "Bearer " + token).sendBuffer(Buffer.buffer(body.encode()))
        .toCompletionStage().toCompletableFuture().get();
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  private String refundState(String outRefundNo) throws Exception {
    return g.text("select state from refund where out_refund_no = '" + outRefundNo + "'");
  }

  private void awaitRefund(String outRefundNo, String state) throws Exception {
    Eventually.until("refund " + outRefundNo + " to be " + state, () -> refundState(outRefundNo), state::equals);
  }

  @ParameterizedTest
  @ValueSource(strings = {"alipay", "wechat"})
  void aRefundTheChannelFailedOnceIsRequestedAgainUntilItSucceeds(String channel) throws Exception {
    JsonObject h = household();
    JsonObject o = g.payZhangFamilyMedical(h, channel);
    // the refund call fails (every call fails until then: one failure could go to a sweeper's query instead)
    g.gateway.demo().sandbox().faults(new SandboxFaults(0, 0, false, 1_000, false));
    JsonObject refund = refundLi(h, o);
    assertThat(refund.getString("state")).isEqualTo("PENDING");
    g.gateway.demo().sandbox().faults(SandboxFaults.NONE);
    g.clock.advance(Duration.ofSeconds(31)); // the first retry is due
    awaitRefund(refund.getString("outRefundNo"), "SUCCESS");
    assertThat(g.gateway.channels().get(channel).query(o.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get()
        .amountFen()).as("the channel moved the money back once, and only the refund").isEqualTo(75000);
  }

  /**
   * WeChat Pay's refund ABNORMAL: the money left the merchant's account and waits at WeChat Pay for the merchant to say
   * where it goes (the payer's card is closed). It was taken as refused and put on finance's list to pay back another
   * way: the resident would have been paid twice once the merchant platform sent the held money on.
   */
  @Test
  void aWechatRefundHeldAtTheChannelStaysOpenUntilItGoesThroughAndIsNeverFinancesToPay() throws Exception {
    JsonObject h = household();
    JsonObject o = g.payZhangFamilyMedical(h, "wechat");
    g.gateway.demo().sandbox().faults(new SandboxFaults(0, 0, true, 0, false)); // no notification: the query tells
    JsonObject refund = refundLi(h, o);
    String no = refund.getString("outRefundNo");
    awaitRefund(no, "REQUESTED");
    g.gateway.demo().sandbox().holdWechatRefund(no);
    g.clock.advance(Duration.ofMinutes(2).plusSeconds(1)); // a requested refund is asked about two minutes on
    Eventually.until("the held refund asked about", () -> lastError(no), e -> e != null && e.startsWith("held by the channel"));
    assertThat(refundState(no)).as("open, not FAILED: finance must not pay it back another way").isEqualTo("REQUESTED");
    g.gateway.demo().sandbox().releaseWechatRefund(no);
    g.clock.advance(Duration.ofHours(1));
    awaitRefund(no, "SUCCESS");
  }

  private String lastError(String outRefundNo) throws Exception {
    return g.text("select last_error from refund where out_refund_no = '" + outRefundNo + "'");
  }

  @Test
  void aRefundRecordedJustBeforeACrashIsRequestedAfterTheRestart() throws Exception {
    JsonObject h = household();
    JsonObject o = g.payZhangFamilyMedical(h, "alipay");
    String no = o.getString("outTradeNo") + "-crash";
    try (Connection c = g.db.connect(); Statement st = c.createStatement()) {
      // what the payment's transaction writes before the channel is called; the gateway then died
      st.executeUpdate("insert into refund (order_id, out_refund_no, amount_fen, reason, state, created_at, updated_at,"
          + " next_attempt_at) values ('" + o.getString("id") + "', '" + no + "', 25000, 'paid twice', 'PENDING',"
          + " '2019-12-15T02:00:00Z', '2019-12-15T02:00:00Z', '2019-12-15T02:00:30Z')");
    }
    g.clock.advance(Duration.ofSeconds(31));
    awaitRefund(no, "SUCCESS");
  }

  /** What the channel itself says it refunded of the order's trade. */
  private long refundedAtChannel(JsonObject o) throws Exception {
    return g.gateway.demo().sandbox().payments().toCompletionStage().toCompletableFuture().get().stream()
        .filter(p -> p.getString("outTradeNo").equals(o.getString("outTradeNo"))).mapToLong(p -> p.getLong("refundedFen")).sum();
  }

  @Test
  void anAlipayRefundAnsweredWithoutFundChangeThatNeverArrivedIsRequestedAgainNotTakenAsDone() throws Exception {
    JsonObject h = household();
    JsonObject o = g.payZhangFamilyMedical(h, "alipay");
    // Alipay answers fund_change N: the refund never arrived, no money went back
    g.gateway.demo().sandbox().alipayRefundUnmoved(Faults.UnmovedRefund.NOT_RECEIVED);
    JsonObject refund = refundLi(h, o);
    String no = refund.getString("outRefundNo");
    assertThat(refund.getString("state")).as("taken, not done").isEqualTo("REQUESTED");
    assertThat(refundedAtChannel(o)).isZero();
    // the refund query knows nothing of it: it is requested again, under the same number, and then done
    g.clock.advance(Duration.ofMinutes(2).plusSeconds(1));
    awaitRefund(no, "PENDING");
    g.clock.advance(Duration.ofMinutes(2));
    awaitRefund(no, "SUCCESS");
    assertThat(refundedAtChannel(o)).as("given back once").isEqualTo(refund.getLong("amountFen"));
  }

  @Test
  void anAlipayRefundAnsweredWithoutFundChangeIsDoneOnlyOnceItsQuerySaysSo() throws Exception {
    JsonObject h = household();
    JsonObject o = g.payZhangFamilyMedical(h, "alipay");
    // Alipay answers fund_change N while it still processes the refund, and carries it out just after
    g.gateway.demo().sandbox().alipayRefundUnmoved(Faults.UnmovedRefund.DONE_AFTER_ANSWER);
    JsonObject refund = refundLi(h, o);
    String no = refund.getString("outRefundNo");
    assertThat(refund.getString("state")).as("taken, not done").isEqualTo("REQUESTED");
    g.clock.advance(Duration.ofMinutes(2).plusSeconds(1));
    awaitRefund(no, "SUCCESS");
    assertThat(refundedAtChannel(o)).as("given back once").isEqualTo(refund.getLong("amountFen"));
  }

  @Test
  void aWechatRefundWhoseConfirmationNeverCameIsAskedAbout() throws Exception {
    JsonObject h = household();
    JsonObject o = g.payZhangFamilyMedical(h, "wechat");
    g.gateway.demo().sandbox().faults(new SandboxFaults(0, 0, true, 0, false)); // no REFUND.SUCCESS notification
    JsonObject refund = refundLi(h, o);
    assertThat(refund.getString("state")).isEqualTo("REQUESTED");
    g.clock.advance(Duration.ofMinutes(2).plusSeconds(1));
    awaitRefund(refund.getString("outRefundNo"), "SUCCESS");
  }

  @ParameterizedTest
  @ValueSource(strings = {"wechat", "alipay", "unionpay"})
  void aRefundTheChannelsQueryReportsAtAnotherAmountIsNotConfirmed(String channel) throws Exception {
    JsonObject h = household();
    JsonObject o = g.payZhangFamilyMedical(h, channel);
    // no notification, and Alipay's answer does not say it is done: only the refund query tells
    g.gateway.demo().sandbox().faults(new SandboxFaults(0, 0, true, 0, false));
    if (channel.equals("alipay")) {
      g.gateway.demo().sandbox().alipayRefundUnmoved(Faults.UnmovedRefund.DONE_AFTER_ANSWER);
    }
    JsonObject refund = refundLi(h, o);
    String no = refund.getString("outRefundNo");
    assertThat(refund.getString("state")).isEqualTo("REQUESTED");
    // our record of it no longer matches what the channel refunded (an operator's slip, a channel's fault)
    long fen = refund.getLong("amountFen");
    sql("update refund set amount_fen = " + (fen + 1) + " where out_refund_no = '" + no + "'");
    g.clock.advance(Duration.ofMinutes(2).plusSeconds(1));
    Eventually.until("the refund asked about", () -> g.count("select count(*) from refund where out_refund_no = '" + no
        + "' and last_error = 'the channel reports " + fen + " fen refunded, " + (fen + 1) + " were asked'") == 1);
    assertThat(g.count("select count(*) from refund where out_refund_no = '" + no + "' and state = 'REQUESTED'")).isEqualTo(1);
    // the amounts agree again: the next query confirms it
    sql("update refund set amount_fen = " + fen + " where out_refund_no = '" + no + "'");
    g.clock.advance(Duration.ofHours(1));
    awaitRefund(no, "SUCCESS");
    g.gateway.demo().sandbox().faults(SandboxFaults.NONE);
  }

  /**
   * A refund its channel refuses on every try, not for a passing reason (here: the merchant that took the payment is no
   * longer configured), is asked for again for three days and then given up as FAILED, where finance sees it and pays it back
   * another way: never owed for ever out of every worklist.
   */
  @Test
  void aRefundRefusedOnEveryTryIsGivenUpAfterThreeDaysForFinanceToPayBack() throws Exception {
    JsonObject o = g.payZhangFamilyMedical(household(), "wechat");
    String no = o.getString("outTradeNo") + "-gone";
    java.time.Instant now = g.clock.instant();
    sql("insert into refund (order_id, out_refund_no, amount_fen, reason, state, created_at, updated_at, next_attempt_at, channel,"
        + " merchant, paid_fen) values ('" + o.getString("id") + "', '" + no + "', 25000, 'paid twice', 'PENDING', '" + now + "', '"
        + now + "', '" + now.plusSeconds(30) + "', 'wechat', 'gone-merchant', 25000)");
    g.clock.advance(Duration.ofSeconds(31));
    Eventually.until("the refund refused once", () -> g.count("select count(*) from refund where out_refund_no = '" + no
        + "' and last_error like '%gone-merchant%'") == 1);
    assertThat(refundState(no)).as("asked for again while the day lasts").isEqualTo("PENDING");
    g.clock.advance(Duration.ofHours(2));
    Eventually.until("the refund asked for again", () -> g.count("select count(*) from refund where out_refund_no = '" + no
        + "' and attempts >= 2") == 1);
    assertThat(refundState(no)).isEqualTo("PENDING");
    assertThat(g.count("select count(*) from refund where out_refund_no = '" + no + "' and refused_since = '" + now.plusSeconds(31)
        + "'")).as("refused since its first try").isEqualTo(1);
    g.clock.advance(Duration.ofDays(1));
    Eventually.until("the refund asked for again a day on", () -> g.count("select count(*) from refund where out_refund_no = '"
        + no + "' and attempts >= 3") == 1);
    assertThat(refundState(no)).as("a weekend's refusals are waited out").isEqualTo("PENDING");
    g.clock.advance(Duration.ofDays(2));
    awaitRefund(no, "FAILED");
    // days later: finance's session of the morning has ended, a new one reads the list
    String finance = g.operatorToken(Role.FINANCE, Scope.ALL);
    var listed = g.http.get("/api/v1/operator/refunds/failed").putHeader("Authorization", "Bearer " + finance).send()
        .toCompletionStage().toCompletableFuture().get();
    assertThat(listed.statusCode()).as(listed.bodyAsString()).isEqualTo(200);
    assertThat(listed.bodyAsJsonObject().getJsonArray("refunds").stream().map(JsonObject.class::cast)
        .anyMatch(f -> f.getString("outRefundNo").equals(no))).as("on finance's list to pay back").isTrue();
  }
}
