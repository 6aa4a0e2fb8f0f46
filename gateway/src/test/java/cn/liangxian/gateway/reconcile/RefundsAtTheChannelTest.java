package cn.liangxian.gateway.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.sandbox.fault.SandboxFaults;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Refunds the channel's bill shows: ours confirmed or reported, and money given back on the merchant platform (or at the
 * channel before we heard of the payment) recorded, its items freed and reversed, or left to finance.
 */
class RefundsAtTheChannelTest extends ReconciliationCase {
  @Test
  void aRefundTheBillShowsDoneIsConfirmedHere() throws Exception {
    JsonObject o = pay(Fixture.CHEN, "陈一", "wechat");
    refundUnconfirmed(o);

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
    refundUnconfirmed(o);
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

  /**
   * The payment's notification lost, and the whole payment given back on WeChat Pay's merchant platform, not through the
   * gateway, before it heard of the payment: the order stayed paying, since such a trade will not close. The day's bill
   * lists both. The payment is booked and the refund recorded under the channel's number: the item may be paid again,
   * the agency gets the contribution and its reversal, the receipt says all of it went back, and a second run matches
   * both.
   */
  @Test
  void aWholePaymentGivenBackOnTheMerchantPlatformIsRecordedItsItemsFreedAndReversed() throws Exception {
    JsonObject o = payUnheard(Fixture.CHEN, "陈一", "wechat");
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
    JsonObject o = payUnheard(Fixture.CHEN, "陈一", "alipay");
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
    JsonObject o = payUnheard(Fixture.CHEN, "陈一", "alipay");
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
}
