package cn.liangxian.gateway.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.operator.Role;
import cn.liangxian.gateway.operator.Scope;
import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Paid items reach their receiver once, sealed and signed, through outages and lost answers; refusals reach operators. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HandoffDeliveryTest {
  AgencyFixture f;

  @BeforeAll
  void start() throws Exception {
    f = new AgencyFixture();
  }

  @AfterAll
  void stop() throws Exception {
    f.close();
  }

  /**
   * A household of {@code region} pays at 23:59:30 Beijing on {@code day}; the notification cannot be applied then
   * (the connection dies at the hand-off record), and the sweeper's query finds the payment at 00:00:31.
   */
  JsonObject paidBeforeMidnightFoundAfter(String region, java.time.LocalDate day) throws Exception {
    java.time.ZoneId beijing = java.time.ZoneId.of("Asia/Shanghai");
    f.g.clock.advance(Duration.between(f.g.clock.instant(), day.atTime(23, 59, 30).atZone(beijing).toInstant()));
    String[] h = f.household(region);
    JsonObject o;
    try (AutoCloseable crashing = recordsCrash()) {
      o = f.g.payWholeHousehold(h[0], "赵一", "medical", 2020, "wechat");
      Eventually.until("a notification the gateway could not apply", () -> f.g.paymentNotifications(o.getString("outTradeNo")),
          l -> !l.isEmpty());
    }
    f.g.clock.advance(Duration.ofSeconds(61));
    f.g.awaitState(o.getString("id"), "PAID");
    return o;
  }

  /** Until closed, every insert of a hand-off record kills its connection: the payment's transaction dies with it. */
  AutoCloseable recordsCrash() throws Exception {
    f.sql("create or replace function crash_in_handoff() returns trigger language plpgsql as $$"
        + " begin perform pg_terminate_backend(pg_backend_pid()); perform pg_sleep(10); return new; end $$");
    f.sql("create trigger crash_in_handoff before insert on handoff_record for each row execute function crash_in_handoff()");
    return () -> f.sql("drop trigger crash_in_handoff on handoff_record");
  }

  long inOrder(JsonObject o, String where) throws Exception {
    return f.count("select count(*) from handoff_record where order_id = '" + o.getString("id") + "' and " + where);
  }

  @Test
  void everyPaidItemIsAcceptedOnceWithItsPersonalFieldsOpenedOnlyByTheReceiver() throws Exception {
    String[] h = f.household("431103");
    JsonObject o = f.pay(h[0], "赵一", "wechat");
    assertThat(inOrder(o, "kind = 'CONTRIBUTION'")).as("one record per paid item, written with the payment").isEqualTo(2);
    Eventually.until("both records accepted", () -> inOrder(o, "state = 'ACCEPTED'") == 2);
    List<JsonObject> taken = f.agency.records().values().stream().filter(r -> r.getString("orderId").equals(o.getString("id"))).toList();
    assertThat(taken).extracting(r -> r.getString("idNumber")).containsExactlyInAnyOrder(h[0], h[1]);
    assertThat(taken).extracting(r -> r.getString("name")).containsExactlyInAnyOrder("赵一", "钱二");
    JsonObject first = taken.stream().filter(r -> r.getString("idNumber").equals(h[0])).findFirst().orElseThrow();
    assertThat(first.getString("kind")).isEqualTo("CONTRIBUTION");
    assertThat(first.getString("region")).isEqualTo("431103");
    assertThat(first.getString("village")).isEqualTo("黄阳司村");
    assertThat(first.getString("receiptNo")).isEqualTo(o.getString("outTradeNo"));
    // to the second even on the minute (the test clock's payment is at 10:00:00 Beijing time), as a strict reader takes it
    assertThat(first.getString("paidAt")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\+08:00");
    assertThat(first.getString("merchant")).isNotBlank();
    assertThat(first.getString("transactionId")).isNotBlank();
    assertThat(first.getLong("personalFen")).isEqualTo(25000L); // 冷水滩 2020: 250 yuan
    assertThat(first.getJsonArray("rules")).isNotEmpty();
    assertThat(f.agency.takenTwice()).isEmpty();
  }

  @Test
  void aReceiverDownForAnHourGetsEveryRecordOnceWhenItIsBack() throws Exception {
    String[] h = f.household("431103");
    f.agency.down(true);
    try {
      JsonObject o = f.pay(h[0], "赵一", "alipay");
      for (int minute = 0; minute < 60; minute += 5) {
        // each step waits for the sweep to have tried every due record and written its failure: neither due nor claimed
        // (held for the push timeout and half a minute) any more
        String now = f.g.clock.instant().toString();
        Eventually.until("due records tried", () -> inOrder(o, "state = 'PENDING' and (next_attempt_at <= '" + now + "' or"
            + " next_attempt_at = '" + now + "'::timestamptz + interval '" + AgencyFixture.PUSH_TIMEOUT.plusSeconds(30).toSeconds()
            + " seconds')") == 0);
        f.g.clock.advance(Duration.ofMinutes(5));
      }
      assertThat(inOrder(o, "state = 'PENDING'")).isEqualTo(2);
      assertThat(f.count("select min(attempts) from handoff_record where order_id = '" + o.getString("id") + "'"))
          .as("retried with a backoff, not at every sweep").isBetween(5L, 9L);
      Eventually.until("the oldest pending age on the gauge", () -> f.g.metrics().lines()
          .anyMatch(l -> l.startsWith("liangxian_handoff_oldest_pending_seconds") && !l.endsWith(" 0.0")));
      assertThat(f.g.metrics()).containsPattern("liangxian_handoff_retried_total [1-9]");
      f.agency.down(false);
      f.g.clock.advance(Duration.ofMinutes(61));
      Eventually.until("both records accepted", () -> inOrder(o, "state = 'ACCEPTED'") == 2);
      assertThat(f.agency.records().values().stream().filter(r -> r.getString("orderId").equals(o.getString("id")))).hasSize(2);
      assertThat(f.agency.takenTwice()).isEmpty();
    } finally {
      f.agency.down(false);
    }
  }

  /**
   * A receiver that checks a whole batch before it takes any answers 400 to every batch that carries a record it will not
   * pass: the records sent beside it are sent again without it at once, and only that record waits (with the receiver's
   * answer on it) until the receiver takes it.
   */
  @Test
  void aRecordAReceiverWillNotPassHoldsBackOnlyItselfNotTheRecordsSentBesideIt() throws Exception {
    String[] h = f.household("431103");
    f.agency.rejectBatchesWith(h[1], true);
    JsonObject o;
    try {
      o = f.pay(h[0], "赵一", "wechat");
      Eventually.until("the record sent beside it accepted", () -> f.count("select count(*) from handoff_record r join person p"
          + " on p.id = r.person_id where r.order_id = '" + o.getString("id") + "' and r.state = 'ACCEPTED' and p.name = '赵一'") == 1);
      Eventually.until("the record at fault tried, with the receiver's answer", () -> inOrder(o, "state = 'PENDING'"
          + " and last_error like '%HTTP 400%'") == 1);
    } finally {
      f.agency.rejectBatchesWith(h[1], false);
    }
    f.g.clock.advance(Duration.ofMinutes(61));
    Eventually.until("both records accepted", () -> inOrder(o, "state = 'ACCEPTED'") == 2);
    assertThat(f.agency.takenTwice()).isEmpty();
  }

  /**
   * A batch rejected whole goes again in halves, one after another, each up to the push timeout. What waits for its
   * turn is held for a lease counted from when its half goes, not from the first claim: once the first half has taken
   * longer than that lease, another instance would otherwise claim the second half and send it a second time.
   */
  @Test
  void aHalfSentAgainIsHeldForALeaseOfItsOwnFromWhenItGoes() throws Exception {
    String[] h = f.household("431103", 3);
    // [赵一, 钱二, 孙三] is rejected for 孙三; [赵一] then waits at a slow receiver; [钱二, 孙三] goes after it
    f.agency.rejectBatchesWith(h[2], true);
    f.agency.holdBatchesWith(h[0], true);
    f.agency.holdBatchesWith(h[1], true);
    JsonObject o;
    try {
      o = f.pay(h[0], "赵一", "wechat");
      Eventually.until("the first half waiting at the receiver", () -> f.agency.batchesHeld() == 1);
      // the first half takes longer than the lease of the first claim
      f.g.clock.advance(AgencyFixture.PUSH_TIMEOUT.plusMinutes(5));
      String secondHalfGoes = f.g.clock.instant().toString();
      f.agency.holdBatchesWith(h[0], false);
      Eventually.until("赵一's record accepted", () -> inOrder(o, "state = 'ACCEPTED'") == 1);
      Eventually.until("the second half waiting at the receiver", () -> f.agency.batchesHeld() == 1);
      assertThat(inOrder(o, "state = 'PENDING' and next_attempt_at >= '" + secondHalfGoes + "'::timestamptz + interval '"
          + AgencyFixture.PUSH_TIMEOUT.toSeconds() + " seconds'"))
          .as("钱二's and 孙三's records not due again while their half may still be answered").isEqualTo(2);
    } finally {
      f.agency.holdBatchesWith(h[0], false);
      f.agency.holdBatchesWith(h[1], false);
      f.agency.rejectBatchesWith(h[2], false);
    }
    f.g.clock.advance(Duration.ofMinutes(61));
    Eventually.until("every record accepted", () -> inOrder(o, "state = 'ACCEPTED'") == 3);
    assertThat(f.agency.takenTwice()).isEmpty();
  }

  /**
   * Halves of halves: a batch of eight rejected whole, its first half too, then its first quarter, each part sent after
   * the other. The second half waits while three requests go before it, each up to the push timeout: its records are
   * held for a lease from each part's going, not only from the first claim, or another instance would send them twice.
   */
  @Test
  void theRecordsWaitingBehindHalvesOfHalvesAreHeldAsEachPartGoes() throws Exception {
    String[] h = f.household("431103", 8);
    // [1..8] rejected for 2 and 8; [1..4] for 2; [1, 2] for 2; [1] held; [2] refused; [3, 4] held; then [5..8]
    f.agency.rejectBatchesWith(h[1], true);
    f.agency.rejectBatchesWith(h[7], true);
    f.agency.holdBatchesWith(h[0], true);
    f.agency.holdBatchesWith(h[2], true);
    JsonObject o;
    try {
      o = f.pay(h[0], "赵一", "wechat");
      Eventually.until("[1] waiting at the receiver", () -> f.agency.batchesHeld() == 1);
      // within the push timeout, as a slow receiver answers
      f.g.clock.advance(AgencyFixture.PUSH_TIMEOUT.minusMinutes(1));
      f.agency.holdBatchesWith(h[0], false);
      Eventually.until("[3, 4] waiting at the receiver", () -> f.agency.batchesHeld() == 1
          && inOrder(o, "state = 'ACCEPTED'") == 1);
      f.g.clock.advance(AgencyFixture.PUSH_TIMEOUT.minusMinutes(1));
      String now = f.g.clock.instant().toString();
      // [5..8] have waited nearly two push timeouts: still not due, while [3, 4] may yet be answered ([2], refused, is due
      // by its backoff from its failure)
      assertThat(inOrder(o, "state = 'PENDING' and last_error is null and next_attempt_at <= '" + now + "'::timestamptz"))
          .as("records waiting their turn due again").isZero();
      assertThat(inOrder(o, "state = 'PENDING' and last_error is not null")).as("[2] refused").isOne();
    } finally {
      f.agency.holdBatchesWith(h[0], false);
      f.agency.holdBatchesWith(h[2], false);
      f.agency.rejectBatchesWith(h[1], false);
      f.agency.rejectBatchesWith(h[7], false);
    }
    f.g.clock.advance(Duration.ofMinutes(61));
    Eventually.until("every record accepted", () -> inOrder(o, "state = 'ACCEPTED'") == 8);
    assertThat(f.agency.takenTwice()).isEmpty();
  }

  /**
   * A receiver that takes a request and never answers holds back no other receiver: their records are delivered while
   * its request still waits (before its timeout would have written a failure on its records).
   */
  @Test
  void aReceiverThatNeverAnswersHoldsBackNoOtherReceiver() throws Exception {
    f.agency.silent("hd-medical", true);
    try {
      // 河东's household pays first: its receiver's request waits, unanswered
      JsonObject hd = f.g.payZhangFamilyMedical(f.g.lookup(cn.liangxian.gateway.support.Fixture.ZHANG, "张三"), "wechat");
      Eventually.until("河东's records sent and waiting", () -> inOrder(hd, "attempts >= 1") >= 1);
      String[] h = f.household("431103");
      JsonObject ls = f.pay(h[0], "赵一", "alipay");
      Eventually.until("冷水滩's records accepted", () -> inOrder(ls, "state = 'ACCEPTED'") == 2);
      assertThat(inOrder(hd, "last_error is not null")).as("河东's request still waiting, no failure written yet").isZero();
      // claimed for as long as its request may be answered: another instance's round would have sent it again at 30 s
      assertThat(inOrder(hd, "next_attempt_at >= first_sent_at + interval '" + AgencyFixture.PUSH_TIMEOUT.toSeconds() + " seconds'"))
          .as("河东's records not due again while their request is unanswered").isEqualTo(inOrder(hd, "attempts >= 1"));
      // ten minutes on, the request fails (the receiver answers 503): due again 30 s after the failure, not after the claim
      f.g.clock.advance(Duration.ofMinutes(10));
      String failedAt = f.g.clock.instant().toString();
      f.agency.silent("hd-medical", false);
      Eventually.until("河东's failure written", () -> inOrder(hd, "last_error is not null") == inOrder(hd, "attempts >= 1"));
      assertThat(inOrder(hd, "next_attempt_at = '" + failedAt + "'::timestamptz + interval '30 seconds'"))
          .as("the backoff counted from the failure").isEqualTo(inOrder(hd, "attempts >= 1"));
    } finally {
      f.agency.silent("hd-medical", false);
    }
  }

  /**
   * The day's reconciliation sends a record still unanswered again at once, a single time; but not one whose request may
   * still be answered: brought forward then, it was claimed by the next round (of any instance) and sent a second time
   * beside the request still open. A record waiting out a failure's backoff is brought forward, as before.
   */
  @Test
  void theReconciliationsResendLeavesARecordWhoseRequestIsOpenToItsLease() throws Exception {
    f.agency.silent("ls-medical", true);
    try {
      JsonObject o = f.pay(f.household("431103")[0], "赵一", "wechat");
      Eventually.until("the records sent and waiting", () -> inOrder(o, "attempts = 1") == 2);
      String now = f.g.clock.instant().toString();
      assertThat(resend(o, now)).as("records brought forward while their request is open").isZero();
      assertThat(inOrder(o, "next_attempt_at >= first_sent_at + interval '" + AgencyFixture.PUSH_TIMEOUT.toSeconds() + " seconds'"))
          .isEqualTo(2);
      f.agency.silent("ls-medical", false); // the request fails (the receiver answers 503): its backoff is 30 s
      Eventually.until("the failure written", () -> inOrder(o, "last_error is not null and state = 'PENDING'") == 2);
      assertThat(resend(o, now)).as("records in their backoff brought forward").isEqualTo(2);
    } finally {
      f.agency.silent("ls-medical", false);
    }
  }

  /**
   * The reconciliation's resend of 冷水滩's medical records of the order's Beijing day, at {@code now} (the statement it
   * runs): how many of the order's records it made due at once.
   */
  private long resend(JsonObject o, String now) throws Exception {
    String day = "(select date_trunc('day', paid_at at time zone 'Asia/Shanghai') at time zone 'Asia/Shanghai' from orders"
        + " where id = '" + o.getString("id") + "')";
    try (java.sql.Connection c = f.g.db.connect(); java.sql.Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery("with r as (" + HandoffReconciliation.RESEND_DAY.replace("$5", "'" + now
            + "'::timestamptz").replace("$1", "'431103'").replace("$2", "'medical'").replace("$3", day)
            .replace("$4", "(" + day + " + interval '1 day')")
            + " returning order_id, next_attempt_at) select count(*) from r where order_id = '" + o.getString("id")
            + "' and next_attempt_at = '" + now + "'::timestamptz")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * A receiver down over a weekend: a record tried for days (an hour apart once the backoff is at its cap) is
   * still claimed, and so is what was paid after it. The backoff was computed before its cap, and from the
   * 39th attempt did not fit in an interval: the claim failed, for that receiver's every record, for good.
   */
  @Test
  void aRecordTriedForDaysIsStillClaimedAndSoIsEverythingPaidAfterIt() throws Exception {
    String[] h = f.household("431103");
    f.agency.down(true);
    JsonObject o;
    try {
      o = f.pay(h[0], "赵一", "wechat");
      // the round over: the failure written on both records. Until then the gateway still updates them, and an update
      // of the same two rows here would take their locks in another order (a deadlock PostgreSQL breaks by failing one)
      Eventually.until("tried once, and the failure recorded", () -> inOrder(o, "attempts >= 1 and last_error is not null") == 2);
      // a failure answered at once is tried again after its backoff, not after the claim's longer lease
      assertThat(inOrder(o, "next_attempt_at <= first_sent_at + interval '31 seconds'")).as("due again 30 s after the failure").isEqualTo(2);
    } finally {
      f.agency.down(false);
    }
    // as if tried every hour since Friday evening: due again now
    f.sql("update handoff_record set attempts = 60, next_attempt_at = '" + f.g.clock.instant().minusSeconds(1)
        + "' where order_id = '" + o.getString("id") + "'");
    JsonObject later = f.pay(f.household("431103")[0], "赵一", "alipay");
    Eventually.until("both orders' records accepted", () -> inOrder(o, "state = 'ACCEPTED'") + inOrder(later, "state = 'ACCEPTED'"),
        n -> n == 4);
    assertThat(f.count("select extract(epoch from next_attempt_at - first_sent_at)::bigint from handoff_record where order_id = '"
        + o.getString("id") + "' limit 1")).as("the next try an hour later at most").isLessThanOrEqualTo(3600L);
    assertThat(f.g.metrics()).doesNotContainPattern("liangxian_handoff_round_failures_total\\{receiver=\"ls-medical\",\\} [1-9]");
  }

  /**
   * A resident pays at 23:59:30 Beijing; the notification cannot be applied then (the connection dies) and the
   * sweeper's query finds the payment after midnight. The order and the agency have the time the channel says the
   * resident paid, not the time the gateway heard of it: on the window's last day, a day later is a year later.
   */
  @Test
  void aPaymentMadeBeforeMidnightAndFoundAfterItIsDatedWhenItWasPaid() throws Exception {
    java.time.ZoneId beijing = java.time.ZoneId.of("Asia/Shanghai");
    java.time.LocalDate day = f.g.clock.instant().atZone(beijing).toLocalDate().plusDays(1);
    JsonObject o = paidBeforeMidnightFoundAfter("431103", day);
    Eventually.until("both records accepted", () -> inOrder(o, "state = 'ACCEPTED'") == 2);
    JsonObject record = f.agency.records().values().stream().filter(r -> r.getString("orderId").equals(o.getString("id")))
        .findFirst().orElseThrow();
    assertThat(record.getString("paidAt")).startsWith(day + "T23:59:3");
    assertThat(f.count("select count(*) from orders where id = '" + o.getString("id") + "' and (paid_at at time zone 'Asia/Shanghai')::date = '"
        + day + "'")).as("the order paid on the day the resident paid").isEqualTo(1);
  }

  /**
   * An agency given files: an item paid at 23:59:30 and applied after midnight is in the file of the day it was
   * paid, and that day's reconciliation counts it as delivered.
   */
  @Test
  void aPaymentFoundAfterMidnightIsFiledAndReconciledOnTheDayItWasPaid() throws Exception {
    java.time.ZoneId beijing = java.time.ZoneId.of("Asia/Shanghai");
    java.time.LocalDate day = f.g.clock.instant().atZone(beijing).toLocalDate().plusDays(1);
    JsonObject o = paidBeforeMidnightFoundAfter("320682", day);
    // the day's file ten minutes after it, its reconciliation an hour after: one after the other, as the clock goes
    f.g.clock.advance(Duration.between(f.g.clock.instant(), day.plusDays(1).atTime(0, 20).atZone(beijing).toInstant()));
    Eventually.until("the day's file", () -> inOrder(o, "state = 'FILED' and file_name like 'rg-medical-" + day + "%'") == 2);
    f.g.clock.advance(Duration.between(f.g.clock.instant(), day.plusDays(1).atTime(1, 30).atZone(beijing).toInstant()));
    Eventually.until("the day reconciled", () -> f.count("select count(*) from handoff_reconciliation where receiver = 'rg-medical'"
        + " and day = '" + day + "'") == 1);
    assertThat(f.count("select count(*) from handoff_reconciliation r, jsonb_array_elements(r.differences) d where r.receiver ="
        + " 'rg-medical' and r.day = '" + day + "' and d->>'orderId' = '" + o.getString("id") + "'")).as("differences").isZero();
  }

  /**
   * A receiver given files whose day's file cannot be written at the hour (its folder unwritable here; a round that
   * comes while the file is being written, or a gateway started after the hour, are alike) has that day reconciled
   * once the file is written, with nothing counted as undelivered, not before.
   */
  @Test
  void aDayIsReconciledForAReceiverGivenFilesOnlyOnceItsFileIsWritten() throws Exception {
    java.time.ZoneId beijing = java.time.ZoneId.of("Asia/Shanghai");
    java.time.LocalDate day = f.g.clock.instant().atZone(beijing).toLocalDate();
    JsonObject o = f.pay(f.household("320682")[0], "赵一", "wechat");
    folderUnwritable(); // the day's file cannot be written
    long failed = roundFailures("rg-medical");
    f.g.clock.advance(Duration.between(f.g.clock.instant(), day.plusDays(1).atTime(1, 30).atZone(beijing).toInstant()));
    // two rounds that could not write the file, each followed by the reconciliation's turn
    Eventually.until("two rounds without the file", () -> roundFailures("rg-medical") >= failed + 2);
    assertThat(f.count("select count(*) from handoff_reconciliation where receiver = 'rg-medical' and day = '" + day + "'"))
        .as("not reconciled while its records wait for their file").isZero();
    folderWritable();
    Eventually.until("the day reconciled", () -> f.count("select count(*) from handoff_reconciliation where receiver = 'rg-medical'"
        + " and day = '" + day + "'") == 1);
    assertThat(inOrder(o, "state = 'FILED' and file_name = 'rg-medical-" + day + ".csv'")).isEqualTo(2);
    assertThat(f.count("select jsonb_array_length(differences) from handoff_reconciliation where receiver = 'rg-medical' and day = '"
        + day + "'")).as("differences").isZero();
  }

  /**
   * The day's report counts and sums every paid item of the day and those the receiver acknowledged, and lists those it
   * has not (counted where they are: a deadline day is hundreds of thousands of items, never read into the gateway).
   */
  @Test
  void aDaysReportCountsEveryPaidItemAndListsThoseNotAcknowledged() throws Exception {
    java.time.ZoneId beijing = java.time.ZoneId.of("Asia/Shanghai");
    java.time.LocalDate day = morningIn(30);
    JsonObject accepted = f.pay(f.household("431103")[0], "赵一", "wechat");
    Eventually.until("the first order's records accepted", () -> inOrder(accepted, "state = 'ACCEPTED'") == 2);
    f.agency.silent("ls-medical", true);
    try {
      JsonObject waiting = f.pay(f.household("431103")[0], "赵一", "alipay");
      Eventually.until("the second order's records sent and waiting", () -> inOrder(waiting, "attempts >= 1") == 2);
      f.g.clock.advance(Duration.between(f.g.clock.instant(), day.plusDays(1).atTime(1, 30).atZone(beijing).toInstant()));
      Eventually.until("the day reconciled", () -> f.count("select count(*) from handoff_reconciliation where receiver = 'ls-medical'"
          + " and day = '" + day + "'") == 1);
      String of = " from handoff_reconciliation where receiver = 'ls-medical' and day = '" + day + "'";
      long fen = f.count("select sum(personal_fen) from handoff_record where order_id in ('" + accepted.getString("id") + "', '"
          + waiting.getString("id") + "')");
      long acknowledgedFen = f.count("select sum(personal_fen) from handoff_record where order_id = '" + accepted.getString("id") + "'");
      assertThat(f.count("select paid_items" + of)).isEqualTo(4);
      assertThat(f.count("select paid_fen" + of)).isEqualTo(fen);
      assertThat(f.count("select acknowledged" + of)).isEqualTo(2);
      assertThat(f.count("select acknowledged_fen" + of)).isEqualTo(acknowledgedFen);
      assertThat(f.count("select resent" + of)).isEqualTo(2);
      assertThat(f.count("select count(*) from handoff_reconciliation r, jsonb_array_elements(r.differences) d where r.receiver ="
          + " 'ls-medical' and r.day = '" + day + "' and d->>'orderId' = '" + waiting.getString("id") + "' and d->>'record' = 'pending'"))
          .isEqualTo(2);
      assertThat(f.count("select jsonb_array_length(differences)" + of)).isEqualTo(2);
    } finally {
      f.agency.silent("ls-medical", false);
    }
  }

  /**
   * A folder that cannot be written for longer than the reconciliation looks back (a week): the day's file is written
   * once it can be, and the day is reconciled then, not left out because it is no longer among the last week's days.
   */
  @Test
  void aDayFiledAfterMoreThanAWeekIsStillReconciled() throws Exception {
    java.time.ZoneId beijing = java.time.ZoneId.of("Asia/Shanghai");
    java.time.LocalDate day = morningIn(2);
    JsonObject o = f.pay(f.household("320682")[0], "赵一", "wechat");
    folderUnwritable(); // no file can be written, for ten days
    try {
      long failed = roundFailures("rg-medical");
      f.g.clock.advance(Duration.between(f.g.clock.instant(), day.plusDays(10).atTime(1, 30).atZone(beijing).toInstant()));
      Eventually.until("two rounds without the file", () -> roundFailures("rg-medical") >= failed + 2);
    } finally {
      folderWritable();
    }
    Eventually.until("the day's file", () -> inOrder(o, "state = 'FILED'") == 2);
    Eventually.until("the day reconciled", () -> f.count("select count(*) from handoff_reconciliation where receiver = 'rg-medical'"
        + " and day = '" + day + "'") == 1);
    assertThat(f.count("select count(*) from handoff_reconciliation r, jsonb_array_elements(r.differences) d where r.receiver ="
        + " 'rg-medical' and r.day = '" + day + "' and d->>'orderId' = '" + o.getString("id") + "'")).as("differences").isZero();
  }

  /** Moves the test's clock to 10:00 Beijing time {@code days} days from today: that day. */
  private java.time.LocalDate morningIn(int days) {
    java.time.ZoneId beijing = java.time.ZoneId.of("Asia/Shanghai");
    java.time.LocalDate day = f.g.clock.instant().atZone(beijing).toLocalDate().plusDays(days);
    f.g.clock.advance(Duration.between(f.g.clock.instant(), day.atTime(10, 0).atZone(beijing).toInstant()));
    return day;
  }

  /** The receivers' folder (its files gone) replaced by a file: no daily file can be written until {@link #folderWritable}. */
  private void folderUnwritable() throws java.io.IOException {
    try (java.util.stream.Stream<java.nio.file.Path> old = java.nio.file.Files.walk(f.files)) {
      old.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    java.nio.file.Files.writeString(f.files, "not a folder");
  }

  private void folderWritable() throws java.io.IOException {
    java.nio.file.Files.delete(f.files);
    java.nio.file.Files.createDirectories(f.files);
  }

  long roundFailures(String receiver) throws Exception {
    return f.g.metrics().lines().filter(l -> l.startsWith("liangxian_handoff_round_failures_total{") && l.contains("\"" + receiver + "\""))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  /** Every doubling backoff in the stores' SQL stays an interval, capped, whatever the count of attempts. */
  @Test
  void everyBackoffIsCappedWhateverTheAttempts() throws Exception {
    java.util.regex.Pattern backoff = java.util.regex.Pattern.compile(
        "least\\(interval '[^']+', interval '[^']+' \\* power\\(2, least\\((\\w+), \\d+\\)\\)\\)");
    List<String> found = new java.util.ArrayList<>();
    for (String sql : List.of(HandoffStore.CLAIM, cn.liangxian.gateway.refund.RefundStoreAccess.claim(),
        cn.liangxian.gateway.order.OrderStoreAccess.expiryFailed(), cn.liangxian.gateway.order.OrderStoreAccess.claimStuck())) {
      java.util.regex.Matcher m = backoff.matcher(sql);
      assertThat(m.find()).as("a capped backoff in " + sql).isTrue();
      found.add(m.group().replace(m.group(1), "2000000000"));
    }
    for (String expression : found) {
      assertThat(f.count("select extract(epoch from " + expression + ")::bigint")).as(expression).isBetween(600L, 3600L);
    }
  }

  @Test
  void anAnswerLostOnTheWayIsSentAgainAndCountedAsDuplicateNotTwice() throws Exception {
    String[] h = f.household("431103");
    f.agency.loseAnswers(1);
    JsonObject o = f.pay(h[0], "赵一", "wechat");
    Eventually.until("the lost answer", () -> inOrder(o, "last_error is not null") == 2);
    f.g.clock.advance(Duration.ofSeconds(31));
    Eventually.until("both records accepted", () -> inOrder(o, "state = 'ACCEPTED'") == 2);
    assertThat(inOrder(o, "answer = 'duplicate'")).isEqualTo(2);
    assertThat(f.agency.takenTwice()).isEmpty();
  }

  HttpResponse<Buffer> operator(String method, String path, String token, JsonObject body) throws Exception {
    var req = f.g.http.request(io.vertx.core.http.HttpMethod.valueOf(method), path).putHeader("Authorization", "Bearer " + token);
    var sent = body == null ? req.send() : req.putHeader("Content-Type", "application/json").sendBuffer(body.toBuffer());
    return sent.toCompletionStage().toCompletableFuture().get();
  }

  @Test
  void aRefusedRecordWaitsInTheOperatorsWorklistUntilResentOrClosedAndEachStepIsAudited() throws Exception {
    String[] h = f.household("431103");
    f.agency.refuse(h[1], "参保登记库中无此人");
    JsonObject o = f.pay(h[0], "赵一", "wechat");
    Eventually.until("one refused, one accepted", () -> inOrder(o, "state = 'REFUSED'") == 1 && inOrder(o, "state = 'ACCEPTED'") == 1);
    Eventually.until("the refused record on the operators' gauge", () -> f.g.metrics().lines()
        .anyMatch(l -> l.equals("liangxian_handoff_refused_open 1.0")));
    String token = f.g.operatorToken(Role.TOWNSHIP, new Scope("431103", "黄阳司镇", null));
    JsonObject worklist = operator("GET", "/api/v1/operator/handoff/refused", token, null).bodyAsJsonObject();
    JsonArray list = worklist.getJsonArray("refused");
    // how many are open in the scope, beside those shown
    assertThat(worklist.getLong("total")).isEqualTo(f.count("select count(*) from handoff_record where state = 'REFUSED'"
        + " and resolved_at is null and region_code = '431103' and township = '黄阳司镇'")).isEqualTo(list.size());
    JsonObject item = list.stream().map(x -> (JsonObject) x).filter(x -> x.getString("orderId").equals(o.getString("id")))
        .findFirst().orElseThrow();
    assertThat(item.getString("reason")).isEqualTo("参保登记库中无此人");
    assertThat(item.getString("idNumber")).isEqualTo(TestGateway.masked(h[1]));
    assertThat(item.getString("name")).isEqualTo("钱*");
    assertThat(item.encode()).doesNotContain(h[1]);
    String other = f.g.operatorToken(Role.TOWNSHIP, new Scope("371312", "汤头街道", null));
    assertThat(operator("GET", "/api/v1/operator/handoff/refused", other, null).bodyAsJsonObject().getJsonArray("refused")
        .stream().map(x -> ((JsonObject) x).getString("orderId"))).doesNotContain(o.getString("id"));
    String path = "/api/v1/operator/handoff/refused/" + item.getLong("id") + "/resolve";
    assertThat(operator("POST", path, other, new JsonObject().put("action", "resend").put("note", "x")).statusCode()).isEqualTo(403);
    assertThat(operator("POST", path, token, new JsonObject().put("action", "shred").put("note", "x")).statusCode()).isEqualTo(400);

    f.agency.accept(h[1]); // the roster was fixed at the agency
    assertThat(operator("POST", path, token, new JsonObject().put("action", "resend").put("note", "roster fixed for " + h[1]))
        .statusCode()).isEqualTo(200);
    Eventually.until("the resent record accepted", () -> inOrder(o, "state = 'ACCEPTED'") == 2);
    assertThat(f.count("select count(*) from audit_log where action = 'handoff.refused.resolve' and subject = 'handoff_record "
        + item.getLong("id") + "' and after->>'action' = 'resend'")).isEqualTo(1);
    // administrators read the audit log: the ID number in the note is masked there
    assertThat(f.count("select count(*) from audit_log where action = 'handoff.refused.resolve' and after->>'note' like 'roster fixed"
        + " for *%" + h[1].substring(14) + "' and after->>'note' not like '%" + h[1] + "%'")).isEqualTo(1);
    assertThat(operator("POST", path, token, new JsonObject().put("action", "close").put("note", "again")).statusCode()).isEqualTo(404);
    assertThat(f.agency.takenTwice()).isEmpty();
  }

  /** The household paid on WeChat, the agency refusing its second member's contribution: the order, once it is refused. */
  JsonObject paidWithTheContributionRefused(String[] h) throws Exception {
    f.agency.refuse(h[1], "参保登记库中无此人");
    JsonObject o = f.pay(h[0], "赵一", "wechat");
    Eventually.until("the contribution refused", () -> inOrder(o, "kind = 'CONTRIBUTION' and state = 'REFUSED'") == 1);
    return o;
  }

  /** Finance refunds the second member's medical item whole (a death). */
  HttpResponse<Buffer> refundTheSecondMember(JsonObject o, String[] h) throws Exception {
    return operator("POST", "/api/v1/operator/refunds", f.g.operatorToken(Role.FINANCE, Scope.ALL),
        new JsonObject().put("orderId", o.getString("id")).put("memberRef", TestGateway.ref(f.g.lookup(h[0], "赵一"), h[1]))
            .put("insurance", "medical").put("reason", "death"));
  }

  /**
   * A refused contribution still paid, closed, would leave the resident's payment without cover: township staff may send it
   * again, not close it; finance closes it (settled with the agency), audited.
   */
  @Test
  void aRefusedContributionStillPaidIsClosedByFinanceOnly() throws Exception {
    String[] h = f.household("431103");
    JsonObject o = paidWithTheContributionRefused(h);
    String township = f.g.operatorToken(Role.TOWNSHIP, new Scope("431103", "黄阳司镇", null));
    JsonObject item = operator("GET", "/api/v1/operator/handoff/refused", township, null).bodyAsJsonObject().getJsonArray("refused")
        .stream().map(x -> (JsonObject) x).filter(x -> x.getString("orderId").equals(o.getString("id"))).findFirst().orElseThrow();
    assertThat(item.getBoolean("refunded")).isFalse();
    String path = "/api/v1/operator/handoff/refused/" + item.getLong("id") + "/resolve";
    for (String token : List.of(township, f.g.operatorToken(Role.ADMIN, new Scope("431103", null, null)))) {
      HttpResponse<Buffer> close = operator("POST", path, token, new JsonObject().put("action", "close").put("note", "不再处理"));
      assertThat(close.statusCode()).as(close.bodyAsString()).isEqualTo(403);
      assertThat(close.bodyAsJsonObject().getString("detail")).contains("finance");
    }
    assertThat(f.count("select count(*) from handoff_record where id = " + item.getLong("id") + " and resolved_at is null")).isEqualTo(1);
    HttpResponse<Buffer> byFinance = operator("POST", path, f.g.operatorToken(Role.FINANCE, Scope.ALL),
        new JsonObject().put("action", "close").put("note", "经办机构已手工登记"));
    assertThat(byFinance.statusCode()).as(byFinance.bodyAsString()).isEqualTo(200);
    assertThat(f.count("select count(*) from audit_log where action = 'handoff.refused.resolve' and subject = 'handoff_record "
        + item.getLong("id") + "' and after->>'action' = 'close'")).isEqualTo(1);

    // refunded since, its reversal refused too: the agency may hold the contribution (settled with it while paid), so the
    // township does not close the reversal; finance does
    HttpResponse<Buffer> refund = refundTheSecondMember(o, h);
    assertThat(refund.statusCode()).as(refund.bodyAsString()).isEqualTo(200);
    Eventually.until("the reversal refused", () -> inOrder(o, "kind = 'REVERSAL' and state = 'REFUSED'") == 1);
    long reversal = f.count("select id from handoff_record where kind = 'REVERSAL' and order_id = '" + o.getString("id") + "'");
    String reversalPath = "/api/v1/operator/handoff/refused/" + reversal + "/resolve";
    HttpResponse<Buffer> byTownship = operator("POST", reversalPath, township, new JsonObject().put("action", "close").put("note", "x"));
    assertThat(byTownship.statusCode()).as(byTownship.bodyAsString()).isEqualTo(403);
    assertThat(operator("POST", reversalPath, f.g.operatorToken(Role.FINANCE, Scope.ALL),
        new JsonObject().put("action", "close").put("note", "经办机构已冲销")).statusCode()).isEqualTo(200);
  }

  /** A refused contribution whose item was refunded since is not sent again: it would cover a person whose money went back. */
  @Test
  void aRefusedContributionRefundedSinceCannotBeResentOnlyClosed() throws Exception {
    String[] h = f.household("431103");
    JsonObject o = paidWithTheContributionRefused(h);
    HttpResponse<Buffer> refund = refundTheSecondMember(o, h);
    assertThat(refund.statusCode()).as(refund.bodyAsString()).isEqualTo(200);
    assertThat(inOrder(o, "kind = 'REVERSAL'")).isEqualTo(1);

    String token = f.g.operatorToken(Role.TOWNSHIP, new Scope("431103", "黄阳司镇", null));
    JsonObject item = operator("GET", "/api/v1/operator/handoff/refused", token, null).bodyAsJsonObject().getJsonArray("refused")
        .stream().map(x -> (JsonObject) x).filter(x -> x.getString("orderId").equals(o.getString("id")) && x.getString("kind")
            .equals("CONTRIBUTION")).findFirst().orElseThrow();
    assertThat(item.getBoolean("refunded")).isTrue();
    // its reversal, refused too (the agency never had the contribution), before the agency's roster is fixed
    Eventually.until("the reversal refused", () -> inOrder(o, "kind = 'REVERSAL' and state = 'REFUSED'") == 1);
    f.agency.accept(h[1]);
    String path = "/api/v1/operator/handoff/refused/" + item.getLong("id") + "/resolve";
    HttpResponse<Buffer> resend = operator("POST", path, token, new JsonObject().put("action", "resend").put("note", "roster fixed"));
    assertThat(resend.statusCode()).as(resend.bodyAsString()).isEqualTo(409);
    assertThat(resend.getHeader("Content-Type")).startsWith("application/problem+json");
    assertThat(resend.bodyAsJsonObject().getString("type")).endsWith("/refunded-since");
    assertThat(f.count("select count(*) from handoff_record where id = " + item.getLong("id") + " and state = 'REFUSED'")).isEqualTo(1);
    // the reversal is not closed by the township while the contribution is open (sent again, the whole of it would be
    // covered after it was paid back)
    long reversal = f.count("select id from handoff_record where kind = 'REVERSAL' and order_id = '" + o.getString("id") + "'");
    HttpResponse<Buffer> early = operator("POST", "/api/v1/operator/handoff/refused/" + reversal + "/resolve", token,
        new JsonObject().put("action", "close").put("note", "refunded"));
    assertThat(early.statusCode()).as(early.bodyAsString()).isEqualTo(403);
    assertThat(early.bodyAsJsonObject().getString("detail")).contains("close it first");
    assertThat(operator("POST", path, token, new JsonObject().put("action", "close").put("note", "refunded")).statusCode()).isEqualTo(200);
    // the contribution closed, the reversal is closed as well: nothing of it left open
    for (Object x : operator("GET", "/api/v1/operator/handoff/refused", token, null).bodyAsJsonObject().getJsonArray("refused")) {
      JsonObject left = (JsonObject) x;
      if (left.getString("orderId").equals(o.getString("id"))) {
        assertThat(operator("POST", "/api/v1/operator/handoff/refused/" + left.getLong("id") + "/resolve", token,
            new JsonObject().put("action", "close").put("note", "refunded")).statusCode()).isEqualTo(200);
      }
    }
  }

  @Test
  void aRefundOfAPaidItemIsHandedOffAsAReversalAfterItsContribution() throws Exception {
    String[] h = f.household("431103");
    JsonObject o = f.pay(h[0], "赵一", "alipay");
    Eventually.until("both records accepted", () -> inOrder(o, "state = 'ACCEPTED'") == 2);
    JsonObject household = f.g.lookup(h[0], "赵一");
    String token = f.g.operatorToken(Role.FINANCE, Scope.ALL);
    HttpResponse<Buffer> r = operator("POST", "/api/v1/operator/refunds", token, new JsonObject().put("orderId", o.getString("id"))
        .put("memberRef", TestGateway.ref(household, h[1])).put("insurance", "medical").put("reason", "death"));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(inOrder(o, "kind = 'REVERSAL'")).as("written with the refund").isEqualTo(1);
    Eventually.until("the reversal accepted", () -> inOrder(o, "kind = 'REVERSAL' and state = 'ACCEPTED'") == 1);
    JsonObject reversal = f.agency.records().values().stream()
        .filter(x -> x.getString("orderId").equals(o.getString("id")) && x.getString("kind").equals("REVERSAL")).findFirst().orElseThrow();
    assertThat(reversal.getString("idNumber")).isEqualTo(h[1]);
    assertThat(reversal.getString("reason")).isEqualTo("death");
    assertThat(reversal.getString("refundNo")).isEqualTo(r.bodyAsJsonObject().getString("outRefundNo"));
    assertThat(reversal.getLong("personalFen")).isEqualTo(25000L);
    assertThat(f.agency.takenTwice()).isEmpty();
  }

  @Test
  void aDaysRecordsGoToOneSignedFileWhoseControlLineAndSignatureOpensslChecks() throws Exception {
    String[] h = f.household("320682");
    JsonObject o = f.pay(h[0], "赵一", "wechat");
    assertThat(inOrder(o, "state = 'PENDING'")).as("a file receiver's records wait for the day's end").isEqualTo(2);
    java.time.LocalDate day = f.g.clock.instant().atZone(java.time.ZoneId.of("Asia/Shanghai")).toLocalDate();
    f.g.clock.advance(Duration.ofHours(25));
    Eventually.until("the day's file", () -> inOrder(o, "state = 'FILED'") == 2);
    java.nio.file.Path csv = f.files.resolve("rg-medical-" + day + ".csv");
    java.nio.file.Path sig = f.files.resolve("rg-medical-" + day + ".csv.sig");
    // moved in place once the records marked filed committed (its signature first): a moment after they read FILED
    Eventually.until("the day's file in place", () -> java.nio.file.Files.exists(csv));
    List<String> lines = java.nio.file.Files.readAllLines(csv, java.nio.charset.Charset.forName("GB18030"));
    long total = f.count("select sum(personal_fen) from handoff_record where file_name = 'rg-medical-" + day + ".csv'");
    long records = f.count("select count(*) from handoff_record where file_name = 'rg-medical-" + day + ".csv'");
    assertThat(lines.get(lines.size() - 1)).isEqualTo("#CONTROL," + records + "," + total);
    assertThat(lines.stream().filter(l -> l.contains("如城街道"))).hasSize((int) records); // GB18030 read back as written
    assertThat(String.join("\n", lines)).doesNotContain(h[0]).doesNotContain("赵一");
    assertThat(f.count("select count(*) from handoff_file where receiver = 'rg-medical' and day = '" + day + "'")).isEqualTo(1);

    java.nio.file.Path pub = f.keys.resolve("handoff-key.pub.pem");
    assertThat(openssl(pub, sig, csv)).contains("Verified OK");
    java.nio.file.Path tampered = f.files.resolve("tampered.csv");
    java.nio.file.Files.writeString(tampered, java.nio.file.Files.readString(csv, java.nio.charset.Charset.forName("GB18030"))
        .replace("#CONTROL," + records, "#CONTROL," + (records + 1)), java.nio.charset.Charset.forName("GB18030"));
    assertThat(openssl(pub, sig, tampered)).contains("Verification failure");
  }

  /**
   * The transaction that marks a day's records filed fails at its commit: no file of that day is left where the agency
   * picks files up, so the records written again into the day's file are delivered once. A file whose transaction
   * committed but which was not yet moved in place (the instance stopped in between) is moved in place by the next round.
   */
  @Test
  void aDaysFileIsInPlaceOnlyOnceItsRecordsAreMarkedFiled() throws Exception {
    java.time.ZoneId beijing = java.time.ZoneId.of("Asia/Shanghai");
    java.time.LocalDate day = morningIn(7);
    JsonObject o = f.pay(f.household("320682")[0], "赵一", "wechat");
    f.sql("create sequence refused_commits");
    f.sql("create function refuse_commit() returns trigger language plpgsql as $$"
        + " begin perform nextval('refused_commits'); raise exception 'commit refused'; end $$");
    f.sql("create constraint trigger refuse_commit after insert on handoff_file deferrable initially deferred"
        + " for each row execute function refuse_commit()");
    String name = "rg-medical-" + day + ".csv";
    java.nio.file.Path csv = f.files.resolve(name);
    java.nio.file.Path sig = f.files.resolve(name + ".sig");
    try {
      f.g.clock.advance(Duration.between(f.g.clock.instant(), day.plusDays(1).atTime(0, 30).atZone(beijing).toInstant()));
      Eventually.until("a day's file whose commit was refused", () -> f.count("select case when is_called then last_value else 0 end"
          + " from refused_commits") >= 2);
      assertThat(inOrder(o, "state = 'PENDING'")).isEqualTo(2);
      assertThat(csv).as("a file whose records are not filed").doesNotExist();
      assertThat(sig).doesNotExist();
    } finally {
      f.sql("drop trigger refuse_commit on handoff_file");
      f.sql("drop function refuse_commit()");
      f.sql("drop sequence refused_commits");
    }
    Eventually.until("the day's file", () -> inOrder(o, "state = 'FILED'") == 2);
    Eventually.until("the day's file in place", () -> java.nio.file.Files.exists(csv));
    assertThat(inOrder(o, "file_name = '" + name + "'")).isEqualTo(2);
    assertThat(openssl(f.keys.resolve("handoff-key.pub.pem"), sig, csv)).contains("Verified OK");

    // as if the instance had stopped between its commit and moving the files in place
    byte[] written = java.nio.file.Files.readAllBytes(csv);
    java.nio.file.Files.move(sig, f.files.resolve("." + name + ".sig.tmp"));
    java.nio.file.Files.move(csv, f.files.resolve("." + name + ".tmp"));
    Eventually.until("the committed file moved in place", () -> java.nio.file.Files.exists(csv) && java.nio.file.Files.exists(sig));
    assertThat(java.nio.file.Files.readAllBytes(csv)).isEqualTo(written);
    assertThat(openssl(f.keys.resolve("handoff-key.pub.pem"), sig, csv)).contains("Verified OK");
  }

  /**
   * A paid item whose record went missing is given one by the day's reconciliation, dated the day it was paid: after
   * that day's file was written. It goes to a further file of the day, not nowhere.
   */
  @Test
  void aRecordRepairedAfterItsDaysFileGoesToAFurtherFileOfThatDay() throws Exception {
    java.time.ZoneId beijing = java.time.ZoneId.of("Asia/Shanghai");
    java.time.LocalDate day = morningIn(1);
    JsonObject kept = f.pay(f.household("320682")[0], "赵一", "wechat");
    JsonObject lost = f.pay(f.household("320682")[0], "赵一", "alipay");
    f.sql("delete from handoff_record where order_id = '" + lost.getString("id") + "'"); // a paid item without its record
    f.g.clock.advance(Duration.between(f.g.clock.instant(), day.plusDays(1).atTime(0, 30).atZone(beijing).toInstant()));
    Eventually.until("the day's file", () -> inOrder(kept, "state = 'FILED'") == 2);
    f.g.clock.advance(Duration.ofHours(1)); // 01:30: the day's reconciliation
    Eventually.until("the repaired records filed", () -> inOrder(lost, "state = 'FILED'") == 2);
    assertThat(f.count("select resent from handoff_reconciliation where receiver = 'rg-medical' and day = '" + day + "'"))
        .as("the two records given back, each counted once").isEqualTo(2);
    String further = "rg-medical-" + day + "-2.csv";
    Eventually.until("the further file in place", () -> java.nio.file.Files.exists(f.files.resolve(further)));
    assertThat(inOrder(lost, "file_name = '" + further + "'")).isEqualTo(2);
    assertThat(inOrder(kept, "file_name = 'rg-medical-" + day + ".csv'")).isEqualTo(2);
    List<String> lines = java.nio.file.Files.readAllLines(f.files.resolve(further), java.nio.charset.Charset.forName("GB18030"));
    assertThat(lines.get(0)).startsWith("#LIANGXIAN-HANDOFF,1,rg-medical," + day + ",");
    assertThat(lines.get(lines.size() - 1)).isEqualTo("#CONTROL,2," + f.count("select sum(personal_fen) from handoff_record"
        + " where file_name = '" + further + "'"));
    assertThat(openssl(f.keys.resolve("handoff-key.pub.pem"), f.files.resolve(further + ".sig"), f.files.resolve(further)))
        .contains("Verified OK");
    assertThat(f.count("select count(*) from handoff_file where receiver = 'rg-medical' and day = '" + day + "'")).isEqualTo(2);
  }

  /**
   * The oldest-pending gauge (paging past an hour) counts a file receiver's record from its day's file, not from
   * its payment: a day's records waiting for their file are no alarm; a pushed receiver's count at once.
   */
  @Test
  void aFileReceiversRecordIsDueAtItsDaysFileAPushedOnesAtOnce() throws Exception {
    String gauges = HandoffStore.GAUGES.replace("$1", "'{320682/medical}'::text[]");
    java.time.ZoneId beijing = java.time.ZoneId.of("Asia/Shanghai");
    java.time.LocalDate day = f.g.clock.instant().atZone(beijing).toLocalDate().plusDays(3);
    // compared in PostgreSQL: a file receiver's record written at 09:00 is due at 00:10 the next day; a pushed one at 09:00
    String at = day.atTime(9, 0).atZone(beijing).toOffsetDateTime().toString();
    JsonObject file = f.pay(f.household("320682")[0], "赵一", "wechat");
    JsonObject pushed = f.pay(f.household("431103")[0], "赵一", "wechat");
    try (java.sql.Connection c = f.g.db.connect(); java.sql.Statement st = c.createStatement()) {
      c.setAutoCommit(false); // seen by this transaction only, and rolled back
      // the table first, before any of its rows: a hand-off round still answering the records just paid (its update of
      // several rows in an order of its own) finishes first, and waits for the rollback after, never deadlocked with this
      st.execute("lock table handoff_record in share row exclusive mode");
      st.execute("update handoff_record set state = 'ACCEPTED' where state = 'PENDING'");
      st.execute("update handoff_record set state = 'PENDING', created_at = '" + at + "' where order_id = '" + file.getString("id") + "'");
      assertThat(oldest(st, gauges)).isEqualTo(day.plusDays(1).atTime(0, 10).atZone(beijing).toInstant());
      st.execute("update handoff_record set state = 'PENDING', created_at = '" + at + "' where order_id = '" + pushed.getString("id") + "'");
      assertThat(oldest(st, gauges)).isEqualTo(java.time.OffsetDateTime.parse(at).toInstant());
      // read receiver by receiver: the file receiver's record of the day before is due at this day's start, before 09:00
      String earlier = day.minusDays(1).atTime(23, 0).atZone(beijing).toOffsetDateTime().toString();
      st.execute("update handoff_record set created_at = '" + earlier + "' where id = (select min(id) from handoff_record"
          + " where order_id = '" + file.getString("id") + "')");
      assertThat(oldest(st, gauges)).isEqualTo(day.atTime(0, 10).atZone(beijing).toInstant());
      try (java.sql.ResultSet rs = st.executeQuery(gauges)) {
        rs.next();
        assertThat(rs.getLong("pending")).as("two members of each household").isEqualTo(4);
      }
      st.execute("update handoff_record set state = 'ACCEPTED' where state = 'PENDING'");
      try (java.sql.ResultSet rs = st.executeQuery(gauges)) {
        rs.next();
        assertThat(rs.getObject("oldest")).as("nothing waits").isNull();
      }
      c.rollback();
    }
  }

  static java.time.Instant oldest(java.sql.Statement st, String gauges) throws Exception {
    try (java.sql.ResultSet rs = st.executeQuery(gauges)) {
      rs.next();
      return rs.getObject("oldest", java.time.OffsetDateTime.class).toInstant();
    }
  }

  /** {@code openssl dgst -sm3 -verify}: SM2 signatures with the default identity 1234567812345678 (GB/T 32918). */
  static String openssl(java.nio.file.Path pub, java.nio.file.Path sig, java.nio.file.Path file) throws Exception {
    Process p = new ProcessBuilder("openssl", "dgst", "-sm3", "-verify", pub.toString(), "-signature", sig.toString(),
        "-sigopt", "distid:1234567812345678", file.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }

  @Test
  void aCrashBetweenMarkingPaidAndWritingTheRecordLeavesNeitherAndTheRetriedPaymentWritesBoth() throws Exception {
    String[] h = f.household("431103");
    // the gateway's connection dies inside the payment's transaction, after the order is marked paid
    JsonObject o;
    try (AutoCloseable crashing = recordsCrash()) {
      o = f.g.payWholeHousehold(h[0], "赵一", "medical", 2020, "wechat");
      String id = o.getString("id");
      Eventually.until("a notification the gateway could not apply", () -> f.g.paymentNotifications(o.getString("outTradeNo")),
          l -> !l.isEmpty());
      assertThat(f.g.get("/api/v1/orders/" + id).bodyAsJsonObject().getString("state")).isEqualTo("PAYING");
      assertThat(f.count("select count(*) from payment where order_id = '" + id + "'")).isZero();
      assertThat(inOrder(o, "true")).isZero();
    }
    f.g.clock.advance(Duration.ofSeconds(31)); // the sweeper asks the channel about the order still paying
    f.g.awaitState(o.getString("id"), "PAID");
    assertThat(inOrder(o, "kind = 'CONTRIBUTION'")).isEqualTo(2);
    Eventually.until("both records accepted", () -> inOrder(o, "state = 'ACCEPTED'") == 2);
    assertThat(f.agency.takenTwice()).isEmpty();
  }
}
