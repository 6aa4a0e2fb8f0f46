package cn.liangxian.gateway.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.sandbox.fault.SandboxFaults;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A gateway with the fixture and a finance operator for each test, and the steps the reconciliation's tests share: pay,
 * run a day, read its report, refund at the channel or through finance.
 */
abstract class ReconciliationCase {
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

  /** {@code o} paid, finance refunds 陈一's medical item of it, and the channel's confirmation of that never arrives. */
  void refundUnconfirmed(JsonObject o) throws Exception {
    g.awaitState(o.getString("id"), "PAID");
    g.gateway.demo().sandbox().faults(new SandboxFaults(0, 0, true, 0, false));
    refundChensMedical(o);
    cn.liangxian.gateway.support.Eventually.until("the refund requested", () -> refundStates(o).equals("REQUESTED"));
  }

  /** Paid at the channel, whose notification of it is lost: the gateway has not heard of the payment. */
  JsonObject payUnheard(String id, String name, String channel) throws Exception {
    g.gateway.demo().sandbox().faults(new SandboxFaults(0, 0, true, 0, false));
    JsonObject o = pay(id, name, channel);
    g.gateway.demo().sandbox().faults(SandboxFaults.NONE);
    return o;
  }

  /**
   * A payment the channel took whose notification never came, nor is it found by asking the channel: only the bill
   * books it.
   */
  JsonObject unheardPayment() throws Exception {
    JsonObject unheard = payUnheard(Fixture.LIU1, "刘一", "wechat");
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

  String refundStates(JsonObject o) throws Exception {
    return String.valueOf(g.text("select string_agg(state, ',') from refund where order_id = '" + o.getString("id") + "'"));
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

  /** The day's bill due: the schedule runs the day, and leaves it to be tried again while refund {@code no} waits. */
  void scheduleLeavesTheDayWaiting(String day, String no) throws Exception {
    g.clock.advance(Duration.ofDays(1));
    cn.liangxian.gateway.support.Eventually.until("the schedule to run the day and leave it to be tried again",
        () -> g.count(day.formatted("count(*)") + " and state = 'FAILED' and last_error like '%" + no + "%not booked%'") == 1);
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
}
