package cn.liangxian.gateway.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.channel.ChannelException;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.sandbox.fault.SandboxFaults;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A day's bill against our payments: differences reported, missing payments repaired once, runs claimed, renewed and taken over. */
class ReconciliationTest extends ReconciliationCase {
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
