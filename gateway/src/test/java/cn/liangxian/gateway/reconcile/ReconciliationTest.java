package cn.liangxian.gateway.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.channel.ChannelException;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.sandbox.fault.SandboxFaults;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReconciliationTest {
  String TOKEN;
  TestGateway g;

  @BeforeEach
  void start() throws Exception {
    g = Fixture.load(new TestGateway());
    TOKEN = g.operatorToken(cn.liangxian.gateway.operator.Role.FINANCE, cn.liangxian.gateway.operator.Scope.ALL);
  }

  @AfterEach
  void stop() throws Exception {
    g.close();
  }

  JsonObject pay(String id, String name, String channel) throws Exception {
    JsonObject h = g.lookup(id, name);
    HttpResponse<Buffer> r = g.orderUnpaidMedical(h, channel, "qr");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    JsonObject o = r.bodyAsJsonObject();
    g.gateway.demo().sandbox().pay(o.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get();
    return o;
  }

  /** An operator runs the day's reconciliation now (POST); {@link #read} reads it. */
  HttpResponse<Buffer> reconcile(String channel, String token) throws Exception {
    return reconcile(channel, "2019-12-15", token);
  }

  HttpResponse<Buffer> reconcile(String channel, String date, String token) throws Exception {
    var req = g.http.post("/api/v1/operator/reconciliation/" + channel + "/" + date);
    if (token != null) {
      req.putHeader("Authorization", "Bearer " + token);
    }
    return req.send().toCompletionStage().toCompletableFuture().get();
  }

  HttpResponse<Buffer> read(String channel) throws Exception {
    return read(channel, TOKEN);
  }

  HttpResponse<Buffer> read(String channel, String token) throws Exception {
    return g.http.get("/api/v1/operator/reconciliation/" + channel + "/2019-12-15").putHeader("Authorization", "Bearer " + token)
        .send().toCompletionStage().toCompletableFuture().get();
  }

  /** Finance refunds 陈一's medical item of the order (a death): the operator's answer, checked to be 200. */
  HttpResponse<Buffer> refundChensMedical(JsonObject o) throws Exception {
    JsonObject h = g.lookup(Fixture.CHEN, "陈一");
    JsonObject body = new JsonObject().put("orderId", o.getString("id"))
        .put("memberRef", h.getJsonArray("members").getJsonObject(0).getString("ref")).put("insurance", "medical").put("reason", "death");
    HttpResponse<Buffer> refund = g.http.post("/api/v1/operator/refunds").putHeader("Content-Type", "application/json")
        .putHeader("Authorization", "Bearer " + TOKEN).sendBuffer(Buffer.buffer(body.encode())).toCompletionStage().toCompletableFuture().get();
    assertThat(refund.statusCode()).as(refund.bodyAsString()).isEqualTo(200);
    return refund;
  }

  @Test
  void operatorRoutesNeedTheToken() throws Exception {
    assertThat(reconcile("wechat", null).statusCode()).isEqualTo(401);
    assertThat(reconcile("wechat", "guess").statusCode()).isEqualTo(401);
    assertThat(reconcile("wechat", null).getHeader("Content-Type")).isEqualTo("application/problem+json");
  }

  @Test
  void everyDifferenceIsReportedMissingPaymentsRepairedOnceAndASecondRunIsClean() throws Exception {
    JsonObject heard = pay(Fixture.ZHANG, "张三", "wechat");                  // callback arrives: matched
    g.gateway.demo().sandbox().faults(new SandboxFaults(0, 0, true, 0, false));
    JsonObject unheard = pay(Fixture.LIU1, "刘一", "wechat");                 // paid, callback lost
    g.gateway.demo().sandbox().faults(SandboxFaults.NONE);
    g.awaitState(heard.getString("id"), "PAID");
    // and a payment we recorded that the channel never had
    try (Connection c = g.db.connect(); Statement st = c.createStatement()) {
      st.execute("insert into payment (order_id, channel, channel_txn_id, amount_fen, source, received_at) values ('"
          + heard.getString("id") + "', 'wechat', 'GHOST-1', 100, 'callback', '2019-12-15T03:00:00Z')");
    }

    // not run yet: reading it says so, and changes nothing
    assertThat(read("wechat").statusCode()).isEqualTo(404);
    assertThat(g.get("/api/v1/orders/" + unheard.getString("id")).bodyAsJsonObject().getString("state")).isEqualTo("PAYING");

    JsonObject first = reconcile("wechat", TOKEN).bodyAsJsonObject();
    JsonArray diffs = first.getJsonArray("differences");
    assertThat(first.getInteger("matched")).isEqualTo(1);
    assertThat(diffs).hasSize(2);
    JsonObject missing = diffs.stream().map(o -> (JsonObject) o).filter(d -> d.getString("kind").equals("paid-at-channel-not-here"))
        .findFirst().orElseThrow();
    assertThat(missing.getString("outTradeNo")).isEqualTo(unheard.getString("outTradeNo"));
    assertThat(missing.getString("repair")).isEqualTo("paid");
    assertThat(diffs.encode()).contains("here-not-at-channel", "GHOST-1");
    assertThat(g.get("/api/v1/orders/" + unheard.getString("id")).bodyAsJsonObject().getString("state")).isEqualTo("PAID");
    // the repair is in the audit log under the finance account that ran it
    // what operators read afterwards is what the run found
    JsonObject stored = read("wechat").bodyAsJsonObject();
    assertThat(stored.getString("state")).isEqualTo("DONE");
    assertThat(stored.getJsonArray("differences")).isEqualTo(diffs);
    assertThat(stored.getString("runBy")).startsWith("finance-");
    try (Connection c = g.db.connect(); Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery("select actor, after::text from audit_log where action = 'reconciliation.run'"
            + " and subject = 'wechat/" + g.gateway.channels().get("wechat").merchant() + "/2019-12-15'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).startsWith("finance-");
      assertThat(rs.getString(2)).contains(unheard.getString("outTradeNo"));
    }

    HttpResponse<Buffer> second = g.http.post("/api/v1/operator/reconciliation/wechat/2019-12-15")
        .putHeader("Authorization", "Bearer " + TOKEN).putHeader("Accept", "text/csv").send().toCompletionStage().toCompletableFuture().get();
    assertThat(second.getHeader("Content-Type")).startsWith("text/csv");
    // only the ghost remains: the repaired payment now matches, and nothing is repaired twice
    assertThat(second.bodyAsString().lines().skip(1).toList()).singleElement().satisfies(l -> assertThat(l).startsWith("here-not-at-channel"));
    try (Connection c = g.db.connect(); Statement st = c.createStatement();
        var rs = st.executeQuery("select count(*) from payment where order_id = '" + unheard.getString("id") + "'")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(1);
    }
  }

  /**
   * A payment the channel took whose notification never came, nor is it found by asking the channel: only the bill
   * books it.
   */
  JsonObject unheardPayment() throws Exception {
    g.gateway.demo().sandbox().faults(new SandboxFaults(0, 0, true, 0, false));
    JsonObject unheard = pay(Fixture.LIU1, "刘一", "wechat");
    g.gateway.demo().sandbox().faults(SandboxFaults.NONE);
    g.neverAsked(unheard.getString("id"));
    return unheard;
  }

  /** The day done, its one difference the unheard payment, booked by the bill and counted once. */
  static void assertRepairedOnce(JsonObject done, JsonObject unheard) {
    assertThat(done.getString("state")).as(done.encodePrettily()).isEqualTo("DONE");
    assertThat(done.getJsonArray("differences")).as(done.encodePrettily()).singleElement().satisfies(d -> {
      assertThat(((JsonObject) d).getString("outTradeNo")).isEqualTo(unheard.getString("outTradeNo"));
      assertThat(((JsonObject) d).getString("repair")).isEqualTo("paid");
    });
    assertThat(done.getInteger("repaired")).isEqualTo(1);
  }

  /**
   * A repair the database refuses (as one failing over under it would) was not made: the day is left FAILED with what went
   * wrong, not DONE, and the next run makes the repair and completes it.
   */
  @Test
  void aRepairThatFailsLeavesTheDayToBeTriedAgainAndTheNextRunMakesIt() throws Exception {
    JsonObject unheard = unheardPayment();
    try (Connection c = g.db.connect(); Statement st = c.createStatement()) {
      st.execute("create function refuse_booking() returns trigger language plpgsql as $$ begin"
          + " raise exception 'the database went away'; end $$");
      st.execute("create trigger refuse_booking before insert on payment for each row when (new.source = 'reconciliation')"
          + " execute function refuse_booking()");
    }

    JsonObject failed = reconcile("wechat", TOKEN).bodyAsJsonObject();
    assertThat(failed.getString("state")).as(failed.encodePrettily()).isEqualTo("FAILED");
    assertThat(failed.getString("lastError")).contains(unheard.getString("outTradeNo"), "the database went away",
        "the day is tried again");
    assertThat(failed.getString("nextAttemptAt")).isNotNull();
    assertThat(g.get("/api/v1/orders/" + unheard.getString("id")).bodyAsJsonObject().getString("state")).isEqualTo("PAYING");

    try (Connection c = g.db.connect(); Statement st = c.createStatement()) {
      st.execute("drop trigger refuse_booking on payment");
    }
    assertRepairedOnce(reconcile("wechat", TOKEN).bodyAsJsonObject(), unheard);
    assertThat(g.get("/api/v1/orders/" + unheard.getString("id")).bodyAsJsonObject().getString("state")).isEqualTo("PAID");
  }

  /** A payment the bill lists under a trade number that is no order of ours: nothing to book, left to finance, not "repaired". */
  @Test
  void aPaymentOfNoOrderOfOursIsLeftToFinanceNotCountedRepaired() throws Exception {
    JsonObject o = pay(Fixture.CHEN, "陈一", "wechat");
    g.awaitState(o.getString("id"), "PAID");
    String txn;
    try (Connection c = g.db.connect(); Statement st = c.createStatement();
        var rs = st.executeQuery("select channel_txn_id from payment where order_id = '" + o.getString("id") + "'")) {
      rs.next();
      txn = rs.getString(1);
    }
    // the bill lists a second payment, of a trade number no order of ours has
    String stranger = java.util.UUID.randomUUID().toString().replace("-", "");
    g.gateway.demo().sandbox().editWechatBill(bill -> {
      String line = bill.lines().filter(l -> l.contains(o.getString("outTradeNo"))).findFirst().orElseThrow();
      return bill.replace(line + "\n", line + "\n" + line.replace(txn, txn + "9")
          .replace(o.getString("outTradeNo"), stranger) + "\n");
    });
    JsonObject report = reconcile("wechat", TOKEN).bodyAsJsonObject();
    assertThat(report.getString("state")).as(report.encodePrettily()).isEqualTo("DONE");
    JsonObject d = report.getJsonArray("differences").stream().map(x -> (JsonObject) x)
        .filter(x -> stranger.equals(x.getString("outTradeNo"))).findFirst().orElseThrow();
    assertThat(d.getString("kind")).isEqualTo("paid-at-channel-not-here");
    assertThat(d.containsKey("repair")).as(d.encode()).isFalse();
    assertThat(d.getString("left")).startsWith("left to finance: no order of ours");
    assertThat(report.getInteger("matched")).as("ours, still matched").isEqualTo(1);
    assertThat(report.getInteger("repaired")).isZero();
  }

  /** The day each payment was booked on is taken from the bill, for every payment it lists (in batches). */
  @Test
  void thePaymentsTheBillListsAreBookedOnItsDay() throws Exception {
    JsonObject a = pay(Fixture.CHEN, "陈一", "wechat");
    JsonObject b = pay(Fixture.LIU1, "刘一", "wechat");
    g.awaitState(a.getString("id"), "PAID");
    g.awaitState(b.getString("id"), "PAID");
    try (Connection c = g.db.connect(); Statement st = c.createStatement()) {
      st.execute("update payment set channel_day = null where channel = 'wechat'");
    }
    JsonObject report = reconcile("wechat", TOKEN).bodyAsJsonObject();
    assertThat(report.getString("state")).as(report.encodePrettily()).isEqualTo("DONE");
    assertThat(g.count("select count(*) from payment where channel = 'wechat' and channel_day = '2019-12-15'")).isEqualTo(2);
  }

  /** A report whose commit fails leaves the day failed, and the run is counted failed, not done as well. */
  @Test
  void aRunWhoseReportCannotBeCommittedIsCountedFailedOnly() throws Exception {
    JsonObject o = pay(Fixture.CHEN, "陈一", "wechat");
    g.awaitState(o.getString("id"), "PAID");
    String mchid = g.gateway.channels().get("wechat").merchant();
    Map<String, String> done = Map.of("channel", "wechat", "merchant", mchid, "outcome", "done");
    Map<String, String> failed = Map.of("channel", "wechat", "merchant", mchid, "outcome", "failed");
    // the schedule's own runs of yesterday done first: they count under the same labels
    cn.liangxian.gateway.support.Eventually.until("the 14th reconciled", () -> g.count("select count(*) from channel_reconciliation"
        + " where day = '2019-12-14' and state = 'DONE'") == ScheduledReconciliationTest.CHANNELS.size());
    String before = g.metrics();
    try (Connection c = g.db.connect(); Statement st = c.createStatement()) {
      // the database refuses the report once, as a failover at the commit would
      st.execute("create function refuse_done() returns trigger language plpgsql as $$ begin"
          + " if new.state = 'DONE' and new.day = '2019-12-15' and new.channel = 'wechat' then raise exception 'refused once'; end if;"
          + " return new; end $$");
      st.execute("create trigger refuse_done before update on channel_reconciliation for each row execute function refuse_done()");
    }
    JsonObject report = reconcile("wechat", TOKEN).bodyAsJsonObject();
    assertThat(report.getString("state")).as(report.encodePrettily()).isEqualTo("FAILED");
    String after = g.metrics();
    assertThat(UnreconciledDaysTest.value(after, "liangxian_reconciliation_runs_total", done))
        .isEqualTo(UnreconciledDaysTest.value(before, "liangxian_reconciliation_runs_total", done));
    assertThat(UnreconciledDaysTest.value(after, "liangxian_reconciliation_runs_total", failed))
        .isEqualTo(UnreconciledDaysTest.value(before, "liangxian_reconciliation_runs_total", failed) + 1);
    try (Connection c = g.db.connect(); Statement st = c.createStatement()) {
      st.execute("drop trigger refuse_done on channel_reconciliation");
    }
    assertThat(reconcile("wechat", TOKEN).bodyAsJsonObject().getString("state")).isEqualTo("DONE");
    assertThat(UnreconciledDaysTest.value(g.metrics(), "liangxian_reconciliation_runs_total", done))
        .isEqualTo(UnreconciledDaysTest.value(before, "liangxian_reconciliation_runs_total", done) + 1);
  }

  /**
   * A run that booked a payment only the bill knew of, and whose report the database then refused: the payment stays
   * booked, the day failed, and the repair is reported by the run that completes the day, which finds it booked already.
   */
  @Test
  void aRepairOfARunWhoseReportCannotBeCommittedReachesTheDaysReport() throws Exception {
    JsonObject unheard = unheardPayment();
    try (Connection c = g.db.connect(); Statement st = c.createStatement()) {
      st.execute("create function refuse_report() returns trigger language plpgsql as $$ begin"
          + " if new.state = 'DONE' and new.day = '2019-12-15' and new.channel = 'wechat' then raise exception 'refused once'; end if;"
          + " return new; end $$");
      st.execute("create trigger refuse_report before update on channel_reconciliation for each row execute function refuse_report()");
    }
    JsonObject failed = reconcile("wechat", TOKEN).bodyAsJsonObject();
    assertThat(failed.getString("state")).as(failed.encodePrettily()).isEqualTo("FAILED");
    assertThat(failed.getString("lastError")).contains("refused once");
    assertThat(failed.getJsonArray("repairedEarlier")).as(failed.encodePrettily()).singleElement()
        .satisfies(d -> assertThat(((JsonObject) d).getString("outTradeNo")).isEqualTo(unheard.getString("outTradeNo")));
    assertThat(g.get("/api/v1/orders/" + unheard.getString("id")).bodyAsJsonObject().getString("state")).isEqualTo("PAID");

    try (Connection c = g.db.connect(); Statement st = c.createStatement()) {
      st.execute("drop trigger refuse_report on channel_reconciliation");
    }
    assertRepairedOnce(reconcile("wechat", TOKEN).bodyAsJsonObject(), unheard);
  }

  /**
   * A repair an earlier run of the day made and left for the day's report (its report refused, or the day taken over from
   * it) that this run reports too (it read ours before that run booked the payment): listed and counted once.
   */
  @Test
  void aRepairAnEarlierRunLeftIsListedOnceWhenThisRunFindsItToo() throws Exception {
    JsonObject unheard = unheardPayment();
    String outTradeNo = unheard.getString("outTradeNo");
    java.util.concurrent.atomic.AtomicReference<String> transaction = new java.util.concurrent.atomic.AtomicReference<>();
    g.gateway.demo().sandbox().editWechatBill(bill -> {
      bill.lines().filter(l -> l.contains("`" + outTradeNo + ",")).findFirst()
          .ifPresent(l -> transaction.set(l.split(",", -1)[5].substring(1))); // 微信订单号
      return bill;
    });
    String mchid = g.gateway.channels().get("wechat").merchant();
    JsonObject first = reconcile("wechat", TOKEN).bodyAsJsonObject(); // this run reads the bill, booking the payment
    assertThat(transaction.get()).as(first.encodePrettily()).isNotNull();
    try (Connection c = g.db.connect(); Statement st = c.createStatement()) {
      // as an earlier run that booked the payment would have left it, while this one had not read ours yet
      st.execute("update channel_reconciliation set state = 'FAILED', next_attempt_at = null, repaired_earlier = jsonb_build_array("
          + "jsonb_build_object('kind', 'paid-at-channel-not-here', 'outTradeNo', '" + outTradeNo + "', 'transactionId', '"
          + transaction.get() + "', 'repair', 'paid', 'repairedAt', '2019-12-16T01:00:00Z')) where channel = 'wechat'"
          + " and merchant = '" + mchid + "' and day = '2019-12-15'");
      st.execute("delete from handoff_record where order_id = '" + unheard.getString("id") + "'");
      st.execute("delete from payment where order_id = '" + unheard.getString("id") + "'");
      st.execute("update reservation set paid = false where order_id = '" + unheard.getString("id") + "'");
      st.execute("update orders set state = 'PAYING', paid_at = null, channel_txn_id = null where id = '"
          + unheard.getString("id") + "'");
    }
    JsonObject done = reconcile("wechat", TOKEN).bodyAsJsonObject();
    assertThat(done.getString("state")).as(done.encodePrettily()).isEqualTo("DONE");
    assertThat(done.getJsonArray("differences")).as(done.encodePrettily()).singleElement().satisfies(d -> {
      assertThat(((JsonObject) d).getString("outTradeNo")).isEqualTo(outTradeNo);
      assertThat(((JsonObject) d).getString("repairedAt")).isEqualTo("2019-12-16T01:00:00Z");
    });
    assertThat(done.getInteger("repaired")).isEqualTo(1);
  }

  @Test
  void aRefundTheBillShowsDoneIsConfirmedHere() throws Exception {
    JsonObject o = pay(Fixture.CHEN, "陈一", "wechat");
    g.awaitState(o.getString("id"), "PAID");
    // finance refunds; the channel's confirmation of it never arrives
    g.gateway.demo().sandbox().faults(new SandboxFaults(0, 0, true, 0, false));
    HttpResponse<Buffer> refund = refundChensMedical(o);
    cn.liangxian.gateway.support.Eventually.until("the refund requested", () -> refundStates(o).equals("REQUESTED"));

    JsonObject report = reconcile("wechat", TOKEN).bodyAsJsonObject();
    JsonObject repaired = report.getJsonArray("differences").stream().map(x -> (JsonObject) x)
        .filter(d -> d.getString("kind").equals("refund-not-confirmed-here")).findFirst().orElseThrow();
    assertThat(repaired.getString("repair")).isEqualTo("confirmed");
    assertThat(refundStates(o)).isEqualTo("SUCCESS");
    // run again: nothing left to repair
    assertThat(reconcile("wechat", TOKEN).bodyAsJsonObject().getJsonArray("differences")).isEmpty();
  }

  /**
   * WeChat Pay lists a refund it closed (the card it would go back to is gone) or flagged abnormal with that status in
   * 退款状态: the money did not go back, so the refund is reported, not confirmed, and stays waiting for the sweeper's
   * query, which fails it and raises the alert.
   */
  @Test
  void aRefundTheBillShowsClosedIsReportedNotConfirmed() throws Exception {
    JsonObject o = pay(Fixture.CHEN, "陈一", "wechat");
    g.awaitState(o.getString("id"), "PAID");
    g.gateway.demo().sandbox().faults(new SandboxFaults(0, 0, true, 0, false));
    HttpResponse<Buffer> refund = refundChensMedical(o);
    assertThat(refund.statusCode()).as(refund.bodyAsString()).isEqualTo(200);
    cn.liangxian.gateway.support.Eventually.until("the refund requested", () -> refundStates(o).equals("REQUESTED"));
    g.gateway.demo().sandbox().editWechatBill(bill -> {
      String line = bill.lines().filter(l -> l.contains("`REFUND,")).findFirst().orElseThrow();
      String[] f = line.split(",", -1);
      f[19] = "`REFUNDCLOSE"; // 退款状态
      return bill.replace(line, String.join(",", f));
    });

    JsonObject report = reconcile("wechat", TOKEN).bodyAsJsonObject();
    assertThat(report.getJsonArray("differences")).as(report.encodePrettily()).singleElement().satisfies(d -> {
      JsonObject diff = (JsonObject) d;
      assertThat(diff.getString("kind")).isEqualTo("refund-not-done-at-channel");
      assertThat(diff.getString("channelStatus")).isEqualTo("REFUNDCLOSE");
      assertThat(diff.getString("outTradeNo")).isEqualTo(o.getString("outTradeNo"));
      assertThat(diff.containsKey("repair")).isFalse();
    });
    assertThat(refundStates(o)).isEqualTo("REQUESTED");
  }

  String refundStates(JsonObject o) throws Exception {
    return String.valueOf(g.text("select string_agg(state, ',') from refund where order_id = '" + o.getString("id") + "'"));
  }

  /** A day on which the merchant took nothing has no bill at WeChat Pay (NO_STATEMENT_EXIST): reconciled as empty, done. */
  @Test
  void aDayWithoutATradeHasNoBillAndIsReconciledAsEmpty() throws Exception {
    HttpResponse<Buffer> r = reconcile("wechat", "2019-12-10", TOKEN);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    JsonObject report = r.bodyAsJsonObject();
    assertThat(report.getInteger("matched")).isZero();
    assertThat(report.getJsonArray("differences")).isEmpty();
    assertThat(g.gateway.demo().sandbox().calls()).contains("GET /v3/bill/tradebill");
    assertThat(g.count("select count(*) from channel_reconciliation where channel = 'wechat' and day = '2019-12-10'"
        + " and state = 'DONE'")).isEqualTo(1);
  }

  /**
   * The channel says it has no bill of a day on which we have a payment: the schedule leaves the day failed and tries
   * again; an operator's run records it with the payment of ours as a difference (a refund never taken leaves no bill
   * either, and the day must be closable).
   */
  @Test
  void noBillForADayWithAPaymentOfOursIsRecordedByAnOperatorWithItsDifference() throws Exception {
    JsonObject o = pay(Fixture.CHEN, "陈一", "wechat");
    g.awaitState(o.getString("id"), "PAID");
    try (Connection c = g.db.connect(); Statement st = c.createStatement()) {
      st.execute("insert into payment (order_id, channel, channel_txn_id, amount_fen, source, received_at, channel_day) values ('"
          + o.getString("id") + "', 'wechat', 'OURS-11', 100, 'query', '2019-12-11T03:00:00Z', '2019-12-11')");
    }
    HttpResponse<Buffer> r = reconcile("wechat", "2019-12-11", TOKEN);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getJsonArray("differences").encode()).contains("here-not-at-channel", "OURS-11");
  }

  /** Only a signed answer that there is no bill counts: one not signed is retryable, or (UnionPay) carries no code. */
  @Test
  void onlyASignedNoBillAnswerCounts() {
    assertThat(Reconciliation.noBill(new ChannelException("NO_STATEMENT_EXIST", "账单文件不存在", 400, false))).isTrue();
    assertThat(Reconciliation.noBill(new ChannelException("NO_STATEMENT_EXIST", "账单文件不存在", 400, true))).isFalse();
    assertThat(Reconciliation.noBill(new ChannelException("isp.bill_not_exist", "账单不存在", 200, false))).isTrue();
    assertThat(Reconciliation.noBill(new ChannelException("isp.bill_not_exist", "账单不存在", 200, true))).isFalse();
    assertThat(Reconciliation.noBill(new ChannelException("UNIONPAY_98", "文件不存在", 200, true))).isTrue();
    assertThat(Reconciliation.noBill(new ChannelException("RESPONSE_NOT_VERIFIED", "", 200, true))).isFalse();
    assertThat(Reconciliation.noBill(new ChannelException("STATEMENT_CREATING", "账单生成中", 400, false))).isFalse();
  }

  @Test
  void alipayBillsReconcileToo() throws Exception {
    g.awaitState(pay(Fixture.CHEN, "陈一", "alipay").getString("id"), "PAID");
    JsonObject report = reconcile("alipay", TOKEN).bodyAsJsonObject();
    assertThat(report.getInteger("matched")).isEqualTo(1);
    assertThat(report.getJsonArray("differences")).isEmpty();
    assertThat(reconcile("bankcard", TOKEN).statusCode()).isEqualTo(404);
  }

  @Test
  void unionPaysSettlementFileReconcilesWithRefundsUnderOurNumbers() throws Exception {
    JsonObject heard = pay(Fixture.ZHANG, "张三", "unionpay");
    g.gateway.demo().sandbox().faults(new SandboxFaults(0, 0, true, 0, false));
    JsonObject unheard = pay(Fixture.LIU1, "刘一", "unionpay");             // paid, notification lost
    g.gateway.demo().sandbox().faults(SandboxFaults.NONE);
    g.awaitState(heard.getString("id"), "PAID");
    // a refund made at UnionPay that our books do not have: reported under our out_refund_no
    g.gateway.channels().get("unionpay").refund(heard.getString("outTradeNo"), "MANUAL-R1", 100, heard.getLong("totalFen"), "test")
        .toCompletionStage().toCompletableFuture().get();

    JsonObject report = reconcile("unionpay", TOKEN).bodyAsJsonObject();
    assertThat(report.getInteger("billLines")).isEqualTo(3);
    assertThat(report.getInteger("matched")).isEqualTo(1);
    JsonArray diffs = report.getJsonArray("differences");
    assertThat(diffs).hasSize(2);
    JsonObject repaired = diffs.stream().map(o -> (JsonObject) o).filter(d -> d.getString("kind").equals("paid-at-channel-not-here"))
        .findFirst().orElseThrow();
    assertThat(repaired.getString("outTradeNo")).isEqualTo(unheard.getString("outTradeNo"));
    assertThat(repaired.getString("repair")).isEqualTo("paid");
    JsonObject refund = diffs.stream().map(o -> (JsonObject) o).filter(d -> d.getString("kind").equals("refund-missing-here"))
        .findFirst().orElseThrow();
    assertThat(refund.getString("outRefundNo")).isEqualTo("MANUAL-R1");
    assertThat(refund.getString("outTradeNo")).isEqualTo(heard.getString("outTradeNo"));
    assertThat(refund.getLong("channelFen")).isEqualTo(100L);
    assertThat(g.get("/api/v1/orders/" + unheard.getString("id")).bodyAsJsonObject().getString("state")).isEqualTo("PAID");
  }

  /** A refund of the order's payment made at WeChat Pay through the gateway's client, which the gateway's records lack. */
  void refundAtWechat(JsonObject o, String outRefundNo, long fen) throws Exception {
    g.gateway.channels().get("wechat").refund(o.getString("outTradeNo"), outRefundNo, fen, o.getLong("totalFen"), "商户平台退款")
        .toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
  }

  /** {@code fen} of the order's payment given back on its channel's merchant platform: its number, as the bill gives it. */
  String refundOnPlatform(JsonObject o, long fen) throws Exception {
    return g.gateway.demo().sandbox().refundOnMerchantPlatform(o.getString("outTradeNo"), fen).toCompletionStage()
        .toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
  }

  /** 陈一's medical item in the lookup's answer now. */
  String chensMedical() throws Exception {
    return g.lookup(Fixture.CHEN, "陈一").getJsonArray("members").getJsonObject(0).getJsonArray("insurances").stream()
        .map(JsonObject.class::cast).filter(i -> i.getString("insurance").equals("medical")).findFirst().orElseThrow()
        .getString("status");
  }

  /**
   * The payment's notification lost, and the whole payment given back on WeChat Pay's merchant platform, not through the
   * gateway, before it heard of the payment: the order stayed paying, since such a trade will not close. The day's bill
   * lists both. The payment is booked and the refund recorded under the channel's number: the item may be paid again,
   * the agency gets the contribution and its reversal, the receipt says all of it went back, and a second run matches
   * both.
   */
  @Test
  void aWholePaymentGivenBackOnTheMerchantPlatformIsRecordedItsItemsFreedAndReversed() throws Exception {
    g.gateway.demo().sandbox().faults(new SandboxFaults(0, 0, true, 0, false));
    JsonObject o = pay(Fixture.CHEN, "陈一", "wechat");
    g.gateway.demo().sandbox().faults(SandboxFaults.NONE);
    long total = o.getLong("totalFen");
    String no = refundOnPlatform(o, total);
    // past its expiry, the order will not close (the trade is REFUND at WeChat Pay): it stays paying, its item held
    g.clock.advance(Duration.ofMinutes(16));
    cn.liangxian.gateway.support.Eventually.until("the sweep to try to expire the order",
        () -> g.count("select expiry_attempts from orders where id = '" + o.getString("id") + "'"), n -> n > 0);
    assertThat(g.get("/api/v1/orders/" + o.getString("id")).bodyAsJsonObject().getString("state")).isEqualTo("PAYING");
    assertThat(chensMedical()).isEqualTo("in-progress");
    // nor can the resident cancel it: the money went back already, and tomorrow's reconciliation says so
    var cancel = g.post("/api/v1/orders/" + o.getString("id") + "/cancel", new JsonObject());
    assertThat(cancel.statusCode()).as(cancel.bodyAsString()).isEqualTo(409);
    assertThat(cancel.bodyAsJsonObject().getString("type")).endsWith("/refunded-at-channel");
    assertThat(cancel.bodyAsJsonObject().getString("title")).isEqualTo("付款已经退回");
    assertThat(cancel.bodyAsJsonObject().getString("detail")).startsWith("这笔款已原路退回");

    JsonObject report = reconcile("wechat", TOKEN).bodyAsJsonObject();
    JsonArray diffs = report.getJsonArray("differences");
    assertThat(diffs).hasSize(2);
    JsonObject refund = diffs.stream().map(x -> (JsonObject) x).filter(d -> d.getString("kind").equals("refund-missing-here"))
        .findFirst().orElseThrow();
    assertThat(refund.getString("outRefundNo")).isEqualTo(no);
    assertThat(refund.getString("repair")).isEqualTo("refund-recorded");
    assertThat(diffs.encode()).contains("paid-at-channel-not-here");
    assertThat(report.getInteger("repaired")).isEqualTo(2);

    String id = o.getString("id");
    assertThat(g.get("/api/v1/orders/" + id).bodyAsJsonObject().getString("state")).isEqualTo("PAID");
    assertThat(chensMedical()).as("given back: the resident may pay it again").isEqualTo("unpaid");
    assertThat(g.count("select count(*) from refund where order_id = '" + id + "' and out_refund_no = '" + no + "'"
        + " and state = 'SUCCESS' and amount_fen = " + total)).isEqualTo(1);
    assertThat(g.count("select count(*) from handoff_record where order_id = '" + id + "' and kind = 'CONTRIBUTION'")).isEqualTo(1);
    assertThat(g.count("select count(*) from handoff_record where order_id = '" + id + "' and kind = 'REVERSAL'"
        + " and refund_no = '" + no + "' and reason = 'refunded-at-channel' and personal_fen = " + total)).as("the agency hears it went back").isEqualTo(1);
    assertThat(g.count("select count(*) from audit_log where action = 'refund.outside' and subject = '" + no + "'")).isEqualTo(1);
    JsonObject receipt = g.get("/api/v1/orders/" + id + "/receipt").bodyAsJsonObject();
    assertThat(receipt.getString("statusText")).isEqualTo("已全额退款");
    assertThat(receipt.getLong("refundedFen")).isEqualTo(total);
    assertThat(receipt.getJsonArray("items").getJsonObject(0).getString("statusText")).isEqualTo("已退款");

    JsonObject second = reconcile("wechat", TOKEN).bodyAsJsonObject();
    assertThat(second.getJsonArray("differences")).as("both match now, nothing is booked twice").isEmpty();
    assertThat(g.count("select count(*) from handoff_record where order_id = '" + id + "' and kind = 'REVERSAL'")).isEqualTo(1);

    // finance refunding the item afterwards is answered with the refund that gave it back: nothing goes back twice
    assertThat(refundChensMedical(o).bodyAsJsonObject().getString("outRefundNo")).isEqualTo(no);
    assertThat(g.count("select count(*) from refund where order_id = '" + id + "'")).isEqualTo(1);
    assertThat(g.count("select count(*) from handoff_record where order_id = '" + id + "' and kind = 'REVERSAL'")).isEqualTo(1);
  }

  /**
   * The whole payment given back at the channel, paid with the notification lost; its payment not in the bill (as when
   * its own day's bill is not reconciled yet). Returns the refund's number.
   */
  String refundedWithoutItsPaymentInTheBill(JsonObject o) throws Exception {
    g.gateway.demo().sandbox().faults(SandboxFaults.NONE);
    String no = refundOnPlatform(o, o.getLong("totalFen"));
    // the bill without the payment's line (its 交易状态, the tenth field, SUCCESS; the refund's is REFUND)
    g.gateway.demo().sandbox().editWechatBill(bill -> bill.lines().filter(l -> !(l.contains(o.getString("outTradeNo"))
        && l.split(",", -1)[9].equals("`SUCCESS"))).collect(java.util.stream.Collectors.joining("\n", "", "\n")));
    return no;
  }

  /**
   * An operator's run of a day whose bill lists a refund at the channel of a payment not booked here: the refund is not
   * recorded without its payment, and the day's report says it waits for it. Once the bill has the payment, a run books
   * both.
   */
  @Test
  void aRefundAtTheChannelWhosePaymentIsNotBookedYetWaitsForIt() throws Exception {
    g.gateway.demo().sandbox().faults(new SandboxFaults(0, 0, true, 0, false));
    JsonObject o = pay(Fixture.CHEN, "陈一", "wechat");
    String no = refundedWithoutItsPaymentInTheBill(o);

    JsonObject waiting = reconcile("wechat", TOKEN).bodyAsJsonObject();
    assertThat(waiting.getString("state")).as(waiting.encodePrettily()).isEqualTo("DONE");
    JsonObject refund = waiting.getJsonArray("differences").stream().map(x -> (JsonObject) x)
        .filter(d -> no.equals(d.getString("outRefundNo"))).findFirst().orElseThrow();
    assertThat(refund.getString("left")).startsWith("waits: the payment it gives back is not booked here yet");
    assertThat(g.count("select count(*) from refund where order_id = '" + o.getString("id") + "'")).isZero();
    assertThat(chensMedical()).isEqualTo("in-progress");

    g.gateway.demo().sandbox().editWechatBill(java.util.function.UnaryOperator.identity());
    JsonObject report = reconcile("wechat", TOKEN).bodyAsJsonObject();
    assertThat(report.getString("state")).isEqualTo("DONE");
    assertThat(report.getJsonArray("differences").encode()).contains("\"repair\":\"paid\"", "\"repair\":\"refund-recorded\"");
    assertThat(chensMedical()).isEqualTo("unpaid");
  }

  /** The day's bill due: the schedule runs the day, and leaves it to be tried again while refund {@code no} waits. */
  void scheduleLeavesTheDayWaiting(String day, String no) throws Exception {
    g.clock.advance(Duration.ofDays(1));
    cn.liangxian.gateway.support.Eventually.until("the schedule to run the day and leave it to be tried again",
        () -> g.count(day.formatted("count(*)") + " and state = 'FAILED' and last_error like '%" + no + "%not booked%'") == 1);
  }

  /**
   * Finance runs the day after the schedule left it to be tried again for a refund at the channel waiting for its payment:
   * the operator's run records the day, the refund marked as waiting. The schedule still tries the day again, and once
   * the bill has the payment, books both: the person is not left covered by money that went back.
   */
  @Test
  void anOperatorsRunThatLeavesARefundWaitingIsTriedAgainByTheSchedule() throws Exception {
    g.gateway.demo().sandbox().faults(new SandboxFaults(0, 0, true, 0, false));
    JsonObject o = pay(Fixture.CHEN, "陈一", "wechat");
    String no = refundedWithoutItsPaymentInTheBill(o);
    String day = wechatDay();
    scheduleLeavesTheDayWaiting(day, no);

    String token = g.operatorToken(cn.liangxian.gateway.operator.Role.FINANCE, cn.liangxian.gateway.operator.Scope.ALL);
    JsonObject recorded = reconcile("wechat", "2019-12-15", token).bodyAsJsonObject();
    assertThat(recorded.getString("state")).as(recorded.encodePrettily()).isEqualTo("DONE");
    assertThat(recorded.getJsonArray("differences").encode()).contains("waits: the payment it gives back is not booked here yet");

    g.gateway.demo().sandbox().editWechatBill(java.util.function.UnaryOperator.identity());
    g.clock.advance(Duration.ofMinutes(31)); // past reconciliation.retryMinutes
    cn.liangxian.gateway.support.Eventually.until("the schedule to run the day again and record the refund", () -> g.count(
        "select count(*) from refund where order_id = '" + o.getString("id") + "' and out_refund_no = '" + no + "' and state = 'SUCCESS'") == 1);
    cn.liangxian.gateway.support.Eventually.until("the day done by the schedule",
        () -> g.count(day.formatted("count(*)") + " and state = 'DONE' and run_by = 'schedule'") == 1);
    assertThat(chensMedical()).isEqualTo("unpaid");
    long attempts = g.count(day.formatted("attempts"));
    g.clock.advance(Duration.ofDays(1)); // the next day's bills due: the schedule has looked at every day since
    cn.liangxian.gateway.support.Eventually.until("the 16th reconciled", () -> g.count("select count(*) from channel_reconciliation"
        + " where day = '2019-12-16' and state = 'DONE'") == 3);
    assertThat(g.count(day.formatted("attempts"))).as("not run again once nothing waits").isEqualTo(attempts);
  }

  /**
   * The same day run by the schedule: it is tried again later rather than recorded, and once the bill has the payment,
   * done. What the first run repaired (a payment whose notification was lost, booked from the bill) stays repaired, and
   * is in the day's report: the run that completes the day no longer finds it a difference.
   */
  @Test
  void theScheduleTriesADayAgainWhileARefundAtTheChannelWaitsForItsPayment() throws Exception {
    g.gateway.demo().sandbox().faults(new SandboxFaults(0, 0, true, 0, false));
    JsonObject unheard = pay(Fixture.LIU1, "刘一", "wechat");
    // nor is it found by asking the channel (as while its queries fail): only the bill books it
    g.neverAsked(unheard.getString("id"));
    JsonObject o = pay(Fixture.CHEN, "陈一", "wechat");
    String no = refundedWithoutItsPaymentInTheBill(o);
    String day = wechatDay();
    scheduleLeavesTheDayWaiting(day, no);
    assertThat(g.count("select count(*) from refund where order_id = '" + o.getString("id") + "'")).isZero();
    assertThat(g.get("/api/v1/orders/" + unheard.getString("id")).bodyAsJsonObject().getString("state")).isEqualTo("PAID");
    String token = g.operatorToken(cn.liangxian.gateway.operator.Role.FINANCE, cn.liangxian.gateway.operator.Scope.ALL); // the day passed: a new login
    JsonObject failed = read("wechat", token).bodyAsJsonObject();
    assertThat(failed.getString("state")).isEqualTo("FAILED");
    assertThat(failed.getJsonArray("repairedEarlier")).as(failed.encodePrettily()).singleElement()
        .satisfies(d -> assertThat(((JsonObject) d).getString("outTradeNo")).isEqualTo(unheard.getString("outTradeNo")));

    g.gateway.demo().sandbox().editWechatBill(java.util.function.UnaryOperator.identity());
    g.clock.advance(Duration.ofMinutes(31)); // past reconciliation.retryMinutes
    cn.liangxian.gateway.support.Eventually.until("the schedule to run it again", () -> g.count(day.formatted("count(*)")
        + " and state = 'DONE'") == 1);
    assertThat(g.count("select count(*) from refund where order_id = '" + o.getString("id") + "' and out_refund_no = '" + no
        + "' and state = 'SUCCESS'")).isEqualTo(1);
    JsonObject done = read("wechat", token).bodyAsJsonObject();
    JsonArray diffs = done.getJsonArray("differences");
    JsonObject earlier = diffs.getJsonObject(0);
    assertThat(earlier.getString("outTradeNo")).as(done.encodePrettily()).isEqualTo(unheard.getString("outTradeNo"));
    assertThat(earlier.getString("repair")).isEqualTo("paid");
    assertThat(earlier.getString("repairedAt")).isNotNull();
    assertThat(diffs.encode()).contains("\"repair\":\"refund-recorded\"");
    assertThat(done.getInteger("repaired")).isEqualTo(3); // the first run's payment; this run's payment and its refund
    assertThat(done.containsKey("repairedEarlier")).isFalse();
    HttpResponse<Buffer> csv = g.http.get("/api/v1/operator/reconciliation/wechat/2019-12-15").putHeader("Authorization", "Bearer " + token)
        .putHeader("Accept", "text/csv").send().toCompletionStage().toCompletableFuture().get();
    assertThat(csv.bodyAsString().lines().toList().get(1)).as("the first run's repair, with when it was made")
        .startsWith("paid-at-channel-not-here," + unheard.getString("outTradeNo")).endsWith(",paid," + earlier.getString("repairedAt"));
    assertThat(g.count("select count(*) from payment where order_id = '" + unheard.getString("id") + "'")).isEqualTo(1);
  }

  /** Paid with the notification lost, then given back whole at the channel: a run of the day waits on the order. */
  JsonObject unheardAndGivenBackAtTheChannel() throws Exception {
    g.gateway.demo().sandbox().faults(new SandboxFaults(0, 0, true, 0, false));
    JsonObject o = pay(Fixture.CHEN, "陈一", "wechat");
    refundedWithoutItsPaymentInTheBill(o);
    return o;
  }

  /** A query of WeChat Pay's day 2019-12-15 of the default merchant, {@code %s} its columns. */
  String wechatDay() {
    return "select %s from channel_reconciliation where channel = 'wechat' and day = '2019-12-15' and merchant = '"
        + g.gateway.channels().get("wechat").merchant() + "'";
  }

  /** Locks the order in the statement's transaction; its backend's pid. */
  static int lockOrder(Statement st, String orderId) throws Exception {
    st.execute("select id from orders where id = '" + orderId + "' for update");
    var pid = st.executeQuery("select pg_backend_pid()");
    pid.next();
    return pid.getInt(1);
  }

  /** The order locked in the statement's transaction, then the day's bill due: the schedule's run waits on the order. */
  void dueAndWaitingOn(Statement st, String orderId) throws Exception {
    int me = lockOrder(st, orderId);
    g.clock.advance(Duration.ofDays(1));
    cn.liangxian.gateway.support.Eventually.until("the run to wait on the order", () -> waitingOn(me) == 1);
  }

  /** How many sessions wait to lock an order that the backend {@code pid} holds. */
  long waitingOn(int pid) throws Exception {
    return g.count("select count(*) from pg_stat_activity where query like '%for no key update%' and " + pid
        + " = any(pg_blocking_pids(pid))");
  }

  /**
   * The clock moved on {@code step} at a time (more than a renewal's two minutes, less than the ten after which a claim
   * looks abandoned), {@code steps} times, the run's claim seen renewed at each.
   */
  void renewedStepByStep(String day, Duration step, int steps) throws Exception {
    for (int i = 1; i <= steps; i++) {
      g.clock.advance(step);
      String now = g.clock.instant().toString();
      cn.liangxian.gateway.support.Eventually.until("the claim renewed", () -> g.count(day.formatted("count(*)")
          + " and state = 'RUNNING' and renewed_at >= '" + now + "'") == 1);
    }
  }

  /**
   * A run that lasts longer than a run is given before it looks abandoned keeps the day while its instance lives: it
   * renews its claim, no other run takes the day over, and the day's result is its own.
   */
  @Test
  void aLongRunRenewsItsClaimAndIsNotTakenOver() throws Exception {
    JsonObject o = unheardAndGivenBackAtTheChannel();
    String day = wechatDay();
    try (Connection c = g.db.connect(); Statement st = c.createStatement()) {
      c.setAutoCommit(false);
      // the run waits here, on the order its refund at the channel gives back
      dueAndWaitingOn(st, o.getString("id"));
      // twelve minutes go by, three at a time: the run renews its claim as they do
      renewedStepByStep(day, Duration.ofMinutes(3), 4);
      assertThat(g.count(day.formatted("attempts"))).as("never taken over").isEqualTo(1);
      c.rollback();
    }
    // the run goes on and records the day itself: its refund waits for a payment not booked, so the day is tried again
    cn.liangxian.gateway.support.Eventually.until("the run's result", () -> g.count(day.formatted("count(*)")
        + " and state = 'FAILED'") == 1);
    assertThat(g.count(day.formatted("attempts"))).isEqualTo(1);
    assertThat(g.count(day.formatted("count(*)") + " and last_error like '%give back payments not booked%'")).isEqualTo(1);
  }

  /**
   * An operator's run, on whichever event loop took the request, keeps its claim as a scheduled run does: twelve minutes
   * on, no scheduled run has taken the day over, and the day's report is the operator's.
   */
  @Test
  void anOperatorsLongRunRenewsItsClaimToo() throws Exception {
    JsonObject o = unheardAndGivenBackAtTheChannel();
    String day = wechatDay();
    java.util.concurrent.CompletableFuture<HttpResponse<Buffer>> run;
    try (Connection c = g.db.connect(); Statement st = c.createStatement()) {
      c.setAutoCommit(false);
      int me = lockOrder(st, o.getString("id"));
      // a minute before the day's bill is due (10:00 Beijing time the next day): only the operator runs it
      g.clock.advance(Duration.between(g.clock.instant(), java.time.Instant.parse("2019-12-16T01:59:00Z")));
      String finance = g.operatorToken(cn.liangxian.gateway.operator.Role.FINANCE, cn.liangxian.gateway.operator.Scope.ALL);
      run = g.http.post("/api/v1/operator/reconciliation/wechat/2019-12-15").putHeader("Authorization", "Bearer " + finance)
          .send().toCompletionStage().toCompletableFuture();
      // claimed, and waiting on the order (the sweep's query of the order, whose notification was lost, may wait too)
      cn.liangxian.gateway.support.Eventually.until("the run to wait on the order", () -> g.count(day.formatted("count(*)")
          + " and state = 'RUNNING' and claimed_at = '2019-12-16T01:59:00Z'") == 1 && waitingOn(me) >= 1);
      // the day falls due at the first step: from then on the schedule would take over a run that looked abandoned
      renewedStepByStep(day, Duration.ofMinutes(3), 4);
      assertThat(g.count(day.formatted("attempts"))).as("never taken over").isEqualTo(1);
      c.rollback();
    }
    HttpResponse<Buffer> report = run.get(60, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(report.statusCode()).as(report.bodyAsString()).isEqualTo(200);
    assertThat(report.bodyAsJsonObject().getString("state")).isEqualTo("DONE");
    assertThat(g.count(day.formatted("attempts"))).isEqualTo(1);
    assertThat(g.count(day.formatted("count(*)") + " and run_by <> 'schedule'")).isEqualTo(1);
  }

  /**
   * A scheduled run that another run took over while it worked (it looked abandoned) can no longer record the day: what
   * it repaired is handed to the run that took it over, and reaches the report of the run that completes the day.
   */
  @Test
  void whatARunTakenOverRepairedReachesTheDaysReport() throws Exception {
    g.gateway.demo().sandbox().faults(new SandboxFaults(0, 0, true, 0, false));
    JsonObject unheard = pay(Fixture.LIU1, "刘一", "wechat");
    g.neverAsked(unheard.getString("id")); // only the bill books it
    JsonObject o = pay(Fixture.CHEN, "陈一", "wechat");
    refundedWithoutItsPaymentInTheBill(o);
    String day = wechatDay();

    try (Connection c = g.db.connect(); Statement st = c.createStatement()) {
      c.setAutoCommit(false);
      // the run books the unheard payment, then waits here, on the order its refund at the channel gives back
      dueAndWaitingOn(st, o.getString("id"));
      assertThat(g.count("select count(*) from payment where order_id = '" + unheard.getString("id") + "'")).isEqualTo(1);
      // meanwhile another run takes the day over
      try (Connection other = g.db.connect(); Statement takes = other.createStatement()) {
        assertThat(takes.executeUpdate("update channel_reconciliation set claimed_at = claimed_at + interval '1 second',"
            + " run_by = 'another-run' where channel = 'wechat' and day = '2019-12-15' and state = 'RUNNING'")).isEqualTo(1);
      }
      c.rollback();
    }
    cn.liangxian.gateway.support.Eventually.until("its repairs handed to the run that took it over", () -> g.count(
        day.formatted("count(*)") + " and state = 'RUNNING' and run_by = 'another-run' and repaired_earlier::text like '%"
        + unheard.getString("outTradeNo") + "%'") == 1);

    // that run never finishes; the schedule takes the day over from it, and completes it once the bill has the payment
    g.gateway.demo().sandbox().editWechatBill(java.util.function.UnaryOperator.identity());
    g.clock.advance(Duration.ofMinutes(11));
    cn.liangxian.gateway.support.Eventually.until("the day done", () -> g.count(day.formatted("count(*)")
        + " and state = 'DONE'") == 1);
    String token = g.operatorToken(cn.liangxian.gateway.operator.Role.FINANCE, cn.liangxian.gateway.operator.Scope.ALL);
    JsonObject done = read("wechat", token).bodyAsJsonObject();
    JsonObject first = done.getJsonArray("differences").getJsonObject(0);
    assertThat(first.getString("outTradeNo")).as(done.encodePrettily()).isEqualTo(unheard.getString("outTradeNo"));
    assertThat(first.getString("repair")).isEqualTo("paid");
    assertThat(first.getString("repairedAt")).isNotNull();
  }

  /**
   * Finance refunding an item of the order at the very moment the day's reconciliation records the whole payment given
   * back at the channel: neither deadlocks the other. The item's refund, holding its item and inserting its refund,
   * finishes first; reconciliation then sees it and leaves the refund at the channel to finance.
   */
  @Test
  void anItemRefundUnderWayWhileReconciliationRecordsARefundAtTheChannelFinishesAndIsSeen() throws Exception {
    JsonObject o = pay(Fixture.CHEN, "陈一", "wechat");
    String id = o.getString("id");
    g.awaitState(id, "PAID");
    refundOnPlatform(o, o.getLong("totalFen"));
    try (Connection c = g.db.connect(); Statement st = c.createStatement()) {
      c.setAutoCommit(false);
      var pid = st.executeQuery("select pg_backend_pid()"); // this transaction's backend
      pid.next();
      long holder = pid.getLong(1);
      // as an operator's refund of the item does: the item locked first, then its refund inserted
      st.execute("select personal_fen from order_item where order_id = '" + id + "' for update");
      var run = g.http.post("/api/v1/operator/reconciliation/wechat/2019-12-15").putHeader("Authorization", "Bearer " + TOKEN)
          .send().toCompletionStage().toCompletableFuture();
      cn.liangxian.gateway.support.Eventually.until("reconciliation to wait for the item this transaction holds", () -> g.count(
          "select count(*) from pg_stat_activity where " + holder + " = any(pg_blocking_pids(pid))"
              + " and query like '%from order_item%for update%'") > 0);
      st.execute("insert into refund (order_id, out_refund_no, amount_fen, reason, state) values ('" + id + "', 'OP-ITEM-1', "
          + o.getLong("totalFen") + ", 'death', 'PENDING')");
      c.commit();
      JsonObject refund = run.get(60, java.util.concurrent.TimeUnit.SECONDS).bodyAsJsonObject().getJsonArray("differences").stream().map(x -> (JsonObject) x)
          .filter(d -> d.getString("kind").equals("refund-missing-here")).findFirst().orElseThrow();
      assertThat(refund.getString("left")).startsWith("left to finance: the order has refunds of the gateway's own");
    }
    assertThat(g.count("select count(*) from handoff_record where order_id = '" + id + "' and kind = 'REVERSAL'")).isZero();
  }

  /**
   * Alipay: the notification lost, and the whole payment given back on Alipay's platform before the gateway heard of it.
   * Alipay closes a trade refunded in full, so the order expires and frees its item. The day's bill lists the payment,
   * which the expired order cannot take (a refund of it falls due), and the refund: that refund due is the channel's,
   * done under its number and never asked for again. The order reads refunded, and a second run matches both.
   */
  @Test
  void aPaymentGivenBackOnAlipaysPlatformBeforeItWasHeardOfIsTheRefundItsExpiredOrderOwes() throws Exception {
    g.gateway.demo().sandbox().faults(new SandboxFaults(0, 0, true, 0, false));
    JsonObject o = pay(Fixture.CHEN, "陈一", "alipay");
    g.gateway.demo().sandbox().faults(SandboxFaults.NONE);
    long total = o.getLong("totalFen");
    String no = refundOnPlatform(o, total);
    g.clock.advance(Duration.ofMinutes(16));
    String id = o.getString("id");
    g.awaitState(id, "EXPIRED");
    assertThat(chensMedical()).isEqualTo("unpaid");

    JsonObject report = reconcile("alipay", TOKEN).bodyAsJsonObject();
    JsonArray diffs = report.getJsonArray("differences");
    assertThat(diffs).hasSize(2);
    JsonObject refund = diffs.stream().map(x -> (JsonObject) x).filter(d -> d.getString("kind").equals("refund-missing-here"))
        .findFirst().orElseThrow();
    assertThat(refund.getString("repair")).isEqualTo("untaken-payment-refunded");
    assertThat(g.count("select count(*) from refund where order_id = '" + id + "'")).as("one refund: the money went back once")
        .isEqualTo(1);
    assertThat(g.count("select count(*) from refund where order_id = '" + id + "' and channel_refund_no = '" + no + "' and out_refund_no like '%R_'"
        + " and state = 'SUCCESS' and reason_code is not null and amount_fen = " + total)).isEqualTo(1);
    assertThat(g.get("/api/v1/orders/" + id).bodyAsJsonObject().getString("state")).isEqualTo("REFUNDED");
    assertThat(g.count("select count(*) from handoff_record where order_id = '" + id + "'")).as("never paid here").isZero();

    // nothing is owed: no refund is left for the sweep to ask the channel for, nor one for finance to pay back
    assertThat(g.count("select count(*) from refund where state <> 'SUCCESS'")).isZero();
    JsonObject second = reconcile("alipay", TOKEN).bodyAsJsonObject();
    assertThat(second.getJsonArray("differences")).as("both match now").isEmpty();
  }

  /**
   * The same, but the gateway heard of the payment after the order expired, asked Alipay to give it back, was refused,
   * and finance paid it back by bank transfer meanwhile: with the channel's refund too, the money went back twice.
   * The refund keeps the number finance knows, and is listed for finance to recover one.
   */
  @Test
  void anUntakenPaymentFinancePaidBackThatWasGivenBackOnThePlatformTooIsListedAsPaidBackTwice() throws Exception {
    g.gateway.demo().sandbox().faults(new SandboxFaults(0, 0, true, 0, false));
    JsonObject o = pay(Fixture.CHEN, "陈一", "alipay");
    g.gateway.demo().sandbox().faults(SandboxFaults.NONE);
    String id = o.getString("id");
    String no = refundOnPlatform(o, o.getLong("totalFen"));
    g.clock.advance(Duration.ofMinutes(16));
    g.awaitState(id, "EXPIRED");
    g.gateway.demo().sandbox().renotify(o.getString("outTradeNo")).toCompletionStage().toCompletableFuture()
        .get(30, java.util.concurrent.TimeUnit.SECONDS);
    cn.liangxian.gateway.support.Eventually.until("the payment the expired order cannot take to be owed back",
        () -> g.count("select count(*) from refund where order_id = '" + id + "' and reason_code is not null") == 1);
    // Alipay refuses it (the trade is closed); finance pays it back by bank transfer and records so, once the gateway's
    // request of it has been answered: its answer written after this would be a race this test does not mean to run
    cn.liangxian.gateway.support.Eventually.until("the refund asked of Alipay and answered", () -> g.count("select count(*) from refund"
        + " where order_id = '" + id + "' and (state <> 'PENDING' or last_error is not null)") == 1);
    try (Connection c = g.db.connect(); Statement st = c.createStatement()) {
      st.execute("update refund set state = 'FAILED', settled_at = now(), settled_by = 'finance-1', settled_how = 'bank transfer',"
          + " settled_reference = 'V-1' where order_id = '" + id + "'");
    }
    TOKEN = g.operatorToken(cn.liangxian.gateway.operator.Role.FINANCE, cn.liangxian.gateway.operator.Scope.ALL);

    JsonObject refund = reconcile("alipay", TOKEN).bodyAsJsonObject().getJsonArray("differences").stream().map(x -> (JsonObject) x)
        .filter(d -> no.equals(d.getString("outRefundNo"))).findFirst().orElseThrow();
    assertThat(refund.getString("repair")).isEqualTo("untaken-payment-refunded");
    HttpResponse<Buffer> twice = g.http.get("/api/v1/operator/refunds/paid-back-twice").putHeader("Authorization", "Bearer " + TOKEN)
        .send().toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(twice.statusCode()).as(twice.bodyAsString()).isEqualTo(200);
    assertThat(twice.bodyAsJsonObject().getJsonArray("refunds")).singleElement()
        .satisfies(f -> assertThat(((JsonObject) f).getString("outRefundNo")).startsWith(o.getString("outTradeNo") + "R"));
  }

  /**
   * UnionPay: the whole payment given back on UnionPay's merchant service platform. Its settlement file names such a
   * refund by UnionPay's own orderId and the payment's queryId only; the order is found through the payment, and the
   * refund recorded as WeChat Pay's is.
   */
  @Test
  void aWholePaymentGivenBackOnUnionPaysPlatformIsFoundThroughItsPaymentAndRecorded() throws Exception {
    JsonObject o = pay(Fixture.CHEN, "陈一", "unionpay");
    String id = o.getString("id");
    g.awaitState(id, "PAID");
    String no = refundOnPlatform(o, o.getLong("totalFen"));

    JsonObject refund = reconcile("unionpay", TOKEN).bodyAsJsonObject().getJsonArray("differences").stream()
        .map(x -> (JsonObject) x).filter(d -> d.getString("kind").equals("refund-missing-here")).findFirst().orElseThrow();
    assertThat(refund.getString("outTradeNo")).isEqualTo(o.getString("outTradeNo"));
    assertThat(refund.getString("outRefundNo")).isEqualTo(no);
    assertThat(refund.getString("repair")).isEqualTo("refund-recorded");
    assertThat(chensMedical()).isEqualTo("unpaid");
    assertThat(g.count("select count(*) from handoff_record where order_id = '" + id + "' and kind = 'REVERSAL'")).isEqualTo(1);
  }

  /** The same a day after the payment: the day's file lacks the payment, and the order is found as the payment is booked here. */
  @Test
  void aPaymentOfAnEarlierDayGivenBackOnUnionPaysPlatformIsFoundAsBookedHere() throws Exception {
    JsonObject o = pay(Fixture.CHEN, "陈一", "unionpay");
    g.awaitState(o.getString("id"), "PAID");
    g.clock.advance(Duration.ofDays(1));
    String no = refundOnPlatform(o, o.getLong("totalFen"));
    TOKEN = g.operatorToken(cn.liangxian.gateway.operator.Role.FINANCE, cn.liangxian.gateway.operator.Scope.ALL); // a new login

    JsonObject report = reconcile("unionpay", "2019-12-16", TOKEN).bodyAsJsonObject();
    assertThat(report.getString("state")).as(report.encodePrettily()).isEqualTo("DONE");
    JsonObject refund = report.getJsonArray("differences").stream().map(x -> (JsonObject) x).filter(d -> d.getString("kind").equals("refund-missing-here")).findFirst().orElseThrow();
    assertThat(refund.getString("outTradeNo")).isEqualTo(o.getString("outTradeNo"));
    assertThat(refund.getString("outRefundNo")).isEqualTo(no);
    assertThat(refund.getString("repair")).isEqualTo("refund-recorded");
  }

  /** Part of a payment given back at the channel: which member's item it was for is not known, so it is left to finance. */
  @Test
  void partOfAPaymentGivenBackAtTheChannelIsLeftToFinanceAndChangesNothing() throws Exception {
    JsonObject o = pay(Fixture.ZHANG, "张三", "wechat");
    g.awaitState(o.getString("id"), "PAID");
    refundOnPlatform(o, 100);

    JsonObject refund = reconcile("wechat", TOKEN).bodyAsJsonObject().getJsonArray("differences").stream()
        .map(x -> (JsonObject) x).filter(d -> d.getString("kind").equals("refund-missing-here")).findFirst().orElseThrow();
    assertThat(refund.getString("repair")).isNull();
    assertThat(refund.getString("left")).startsWith("left to finance: part of the payment");
    assertThat(g.count("select count(*) from refund where order_id = '" + o.getString("id") + "'")).isZero();
    assertThat(g.count("select count(*) from handoff_record where order_id = '" + o.getString("id") + "' and kind = 'REVERSAL'"))
        .isZero();
  }

  /**
   * The bill of one merchant lists a refund at the channel of an order whose only payment booked here was taken by another
   * merchant of the channel: it gives back no payment booked here, and waits (the bill's own payment is not booked yet).
   */
  @Test
  void aRefundAtTheChannelGivesBackOnlyAPaymentBookedThroughTheBillsMerchant() throws Exception {
    JsonObject o = pay(Fixture.CHEN, "陈一", "wechat");
    g.awaitState(o.getString("id"), "PAID");
    String no = refundOnPlatform(o, o.getLong("totalFen"));
    try (Connection c = g.db.connect(); Statement st = c.createStatement()) {
      st.execute("update payment set merchant = 'another-merchant' where order_id = '" + o.getString("id") + "'");
    }

    JsonObject refund = reconcile("wechat", TOKEN).bodyAsJsonObject().getJsonArray("differences").stream()
        .map(x -> (JsonObject) x).filter(d -> no.equals(d.getString("outRefundNo")))
        .findFirst().orElseThrow();
    assertThat(refund.getString("left")).as(refund.encode()).startsWith("waits: the payment it gives back is not booked here yet");
    assertThat(g.count("select count(*) from refund where order_id = '" + o.getString("id") + "'")).isZero();
    assertThat(chensMedical()).isEqualTo("paid");
  }

  @Test
  void aRefundAskedForDaysAgoThatTheChannelDidTodayIsMatchedAndConfirmed() throws Exception {
    JsonObject o = pay(Fixture.CHEN, "陈一", "wechat");
    g.awaitState(o.getString("id"), "PAID");
    // the refund cannot reach the channel for days: it waits here, asked for again and again
    g.gateway.demo().sandbox().faults(new SandboxFaults(0, 0, false, 1_000, false));
    HttpResponse<Buffer> refund = refundChensMedical(o);
    assertThat(refund.bodyAsJsonObject().getString("state")).isEqualTo("PENDING");
    // five days on the channel takes it, and its confirmation is lost
    g.gateway.demo().sandbox().faults(new SandboxFaults(0, 0, true, 0, false));
    g.clock.advance(Duration.ofDays(5));
    cn.liangxian.gateway.support.Eventually.until("the refund requested", () -> refundStates(o).equals("REQUESTED"));

    TOKEN = g.operatorToken(cn.liangxian.gateway.operator.Role.FINANCE, cn.liangxian.gateway.operator.Scope.ALL); // a new login
    JsonObject report = reconcile("wechat", "2019-12-20", TOKEN).bodyAsJsonObject();
    JsonArray diffs = report.getJsonArray("differences");
    assertThat(diffs).as(report.encodePrettily()).singleElement()
        .satisfies(d -> assertThat(((JsonObject) d).getString("kind")).isEqualTo("refund-not-confirmed-here"))
        .satisfies(d -> assertThat(((JsonObject) d).getString("repair")).isEqualTo("confirmed"));
    assertThat(refundStates(o)).isEqualTo("SUCCESS");
  }

  @Test
  void aPaymentOfTheDayRecordedDaysLaterIsStillReportedWhenTheBillLacksIt() throws Exception {
    JsonObject o = pay(Fixture.CHEN, "陈一", "wechat");
    g.awaitState(o.getString("id"), "PAID");
    // a payment of ours booked on the 15th that reached us only days later, and that the channel's bill does not have
    try (Connection c = g.db.connect(); Statement st = c.createStatement()) {
      st.execute("insert into payment (order_id, channel, channel_txn_id, amount_fen, source, received_at, channel_day) values ('"
          + o.getString("id") + "', 'wechat', 'LATE-1', 100, 'query', '2019-12-18T03:00:00Z', '2019-12-15')");
    }
    JsonArray diffs = reconcile("wechat", TOKEN).bodyAsJsonObject().getJsonArray("differences");
    assertThat(diffs.encode()).contains("here-not-at-channel", "LATE-1");
  }

  @Test
  void aPaymentTheBillListsTwiceIsADifference() throws Exception {
    JsonObject o = pay(Fixture.CHEN, "陈一", "wechat");
    g.awaitState(o.getString("id"), "PAID");
    // the channel's bill lists the one payment twice, as if it had taken the money twice
    g.gateway.demo().sandbox().editWechatBill(bill -> {
      String line = bill.lines().filter(l -> l.contains(o.getString("outTradeNo"))).findFirst().orElseThrow();
      return bill.replace(line + "\n", line + "\n" + line + "\n");
    });
    JsonObject report = reconcile("wechat", TOKEN).bodyAsJsonObject();
    assertThat(report.getInteger("billLines")).isEqualTo(2);
    assertThat(report.getInteger("matched")).isEqualTo(1);
    assertThat(report.getJsonArray("differences")).as(report.encodePrettily()).singleElement().satisfies(d -> {
      assertThat(((JsonObject) d).getString("kind")).isEqualTo("listed-twice-in-bill");
      assertThat(((JsonObject) d).getString("outTradeNo")).isEqualTo(o.getString("outTradeNo"));
    });
  }

  @Test
  void aBillLineCutShortIsReportedNotDropped() throws Exception {
    JsonObject o = pay(Fixture.CHEN, "陈一", "wechat");
    g.awaitState(o.getString("id"), "PAID");
    // a refund made at the channel that our books do not have; its line in the bill ends before its trade state
    refundAtWechat(o, "MANUAL-R1", 100);
    g.gateway.demo().sandbox().editWechatBill(bill -> {
      String line = bill.lines().filter(l -> l.contains("MANUAL-R1")).findFirst().orElseThrow();
      return bill.replace(line, String.join(",", java.util.Arrays.asList(line.split(",")).subList(0, 9)));
    });
    JsonObject report = reconcile("wechat", TOKEN).bodyAsJsonObject();
    assertThat(report.getInteger("billLines")).isEqualTo(2);
    assertThat(report.getJsonArray("differences")).as(report.encodePrettily()).singleElement().satisfies(d -> {
      assertThat(((JsonObject) d).getString("kind")).isEqualTo("unreadable-bill-line");
      assertThat(((JsonObject) d).getString("outTradeNo")).isEqualTo(o.getString("outTradeNo"));
    });
  }

  @Test
  void aBillLineWhoseAmountIsNotYuanIsReportedAndTheRestOfTheDayReconciled() throws Exception {
    JsonObject garbled = pay(Fixture.CHEN, "陈一", "wechat");
    g.awaitState(garbled.getString("id"), "PAID");
    g.gateway.demo().sandbox().editWechatBill(bill -> {
      String line = bill.lines().filter(l -> l.contains(garbled.getString("outTradeNo"))).findFirst().orElseThrow();
      String[] f = line.split(",", -1);
      f[12] = "`2x0.00"; // 应结订单金额
      return bill.replace(line, String.join(",", f));
    });
    JsonObject report = reconcile("wechat", TOKEN).bodyAsJsonObject();
    assertThat(report.getString("state")).as(report.encodePrettily()).isEqualTo("DONE");
    assertThat(report.getJsonArray("differences")).as(report.encodePrettily()).singleElement().satisfies(d -> {
      assertThat(((JsonObject) d).getString("kind")).isEqualTo("unreadable-bill-line");
      assertThat(((JsonObject) d).getString("outTradeNo")).isEqualTo(garbled.getString("outTradeNo"));
      assertThat(((JsonObject) d).getString("reason")).contains("2x0.00");
      assertThat(((JsonObject) d).getLong("ourFen")).as("ours, named by the line, not reported again").isEqualTo(garbled.getLong("totalFen"));
    });
  }
}
