package cn.liangxian.gateway.receipt;

import static cn.liangxian.gateway.support.TestGateway.masked;
import static cn.liangxian.gateway.support.TestGateway.ref;
import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.operator.Role;
import cn.liangxian.gateway.operator.Scope;
import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.sandbox.fault.SandboxFaults;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The receipt after refunds: the verification page the printed QR code opens, its JSON, and the API's receipt
 * say which items went back, when and how much, what was kept of the total, and whether the payment stands in
 * part, in whole or not at all; a refund under way is shown and not counted.
 */
class ReceiptRefundsTest {
  TestGateway g;
  String token;

  @BeforeEach
  void start() throws Exception {
    g = Fixture.load(new TestGateway());
    token = g.operatorToken(Role.FINANCE, Scope.ALL);
  }

  @AfterEach
  void stop() throws Exception {
    g.gateway.demo().sandbox().faults(SandboxFaults.NONE);
    g.close();
  }

  private JsonObject refund(JsonObject h, JsonObject o, String id, String reason) throws Exception {
    JsonObject body = new JsonObject().put("orderId", o.getString("id")).put("memberRef", ref(h, id)).put("insurance", "medical")
        .put("reason", reason);
    HttpResponse<Buffer> r = g.http.post("/api/v1/operator/refunds").putHeader("Content-Type", "application/json")
        .putHeader("Authorization", "Bearer " + token).sendBuffer(Buffer.buffer(body.encode()))
        .toCompletionStage().toCompletableFuture().get();
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  /** The page the printed QR code opens, as a phone's browser gets it. */
  private String page(JsonObject o) throws Exception {
    HttpResponse<Buffer> r = g.http.get("/r/" + o.getString("outTradeNo")).putHeader("Accept", "text/html").send()
        .toCompletionStage().toCompletableFuture().get();
    assertThat(r.statusCode()).isEqualTo(200);
    return r.bodyAsString();
  }

  private JsonObject pageJson(JsonObject o) throws Exception {
    HttpResponse<Buffer> r = g.http.get("/r/" + o.getString("outTradeNo")).putHeader("Accept", "application/json").send()
        .toCompletionStage().toCompletableFuture().get();
    assertThat(r.statusCode()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  private JsonObject apiReceipt(JsonObject o) throws Exception {
    HttpResponse<Buffer> r = g.get("/api/v1/orders/" + o.getString("id") + "/receipt");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  /** The page's line of one person's item: what is shown beside their masked ID number. */
  private static String itemLine(String page, String id) {
    return Arrays.stream(page.split("<div class=\"cell[^\"]*\">")).filter(c -> c.contains(masked(id))).findFirst()
        .orElseThrow(() -> new AssertionError("no item of " + masked(id) + " on " + page));
  }

  private static JsonObject item(JsonObject receipt, String id) {
    return receipt.getJsonArray("items").stream().map(JsonObject.class::cast).filter(i -> i.getString("idNumber").equals(masked(id)))
        .findFirst().orElseThrow();
  }

  /** The state line at the top of the page. */
  private static String state(String page) {
    int at = page.indexOf("id=\"state\">");
    return page.substring(at, page.indexOf("<div class=\"cells\">", at));
  }

  @Test
  void anItemRefundedAfterPaymentIsMarkedWithItsAmountAndDateAndTheKeptTotalIsShown() throws Exception {
    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    JsonObject o = g.payZhangFamilyMedical(h, "alipay");
    assertThat(state(page(o))).contains("凭证有效，已缴费");
    // three hours and more later, finance refunds 李四's medical insurance: she is insured elsewhere
    g.clock.advance(Duration.ofHours(3).plusMinutes(25).plusSeconds(7));
    assertThat(refund(h, o, Fixture.LI, "enrolled-elsewhere").getString("state")).isEqualTo("SUCCESS");

    String page = page(o);
    assertThat(state(page)).contains("部分退款").doesNotContain("已缴费", "已全额退款");
    assertThat(itemLine(page, Fixture.LI)).contains("已退款", "250.00元", "2019年12月15日 13:25:07");
    assertThat(itemLine(page, Fixture.ZHANG)).doesNotContain("退款");
    assertThat(itemLine(page, Fixture.CHILD)).doesNotContain("退款");
    assertThat(page).contains("原缴合计", "750.00元", "已退款", "退款后实缴", "500.00元", "2019年12月15日 10:00:00")
        .doesNotContain(Fixture.LI, "李四", Fixture.ZHANG, "张三");

    // the page's JSON and the API's receipt carry the same facts
    for (JsonObject r : new JsonObject[] {pageJson(o), apiReceipt(o)}) {
      assertThat(r.getString("status")).isEqualTo("PARTLY_REFUNDED");
      assertThat(r.getString("statusText")).isEqualTo("部分退款");
      assertThat(r.getLong("totalFen")).isEqualTo(75000);
      assertThat(r.getLong("refundedFen")).isEqualTo(25000);
      assertThat(r.getLong("keptFen")).isEqualTo(50000);
      assertThat(r.getLong("refundingFen")).isZero();
      JsonObject li = item(r, Fixture.LI);
      assertThat(li.getString("name")).isEqualTo("李*");
      assertThat(li.getString("status")).isEqualTo("REFUNDED");
      assertThat(li.getString("statusText")).isEqualTo("已退款");
      assertThat(li.getLong("refundedFen")).isEqualTo(25000);
      assertThat(li.getLong("keptFen")).isZero();
      assertThat(li.getString("refundedAt")).isEqualTo("2019-12-15T13:25:07+08:00");
      assertThat(li.getString("refundedAtText")).isEqualTo("2019年12月15日 13:25:07");
      assertThat(item(r, Fixture.ZHANG).getString("status")).isEqualTo("PAID");
      assertThat(item(r, Fixture.ZHANG).getLong("keptFen")).isEqualTo(25000);
      // the refunds as listed before, each now saying what it covers and when it went back
      JsonObject f = r.getJsonArray("refunds").getJsonObject(0);
      assertThat(f.getString("state")).isEqualTo("SUCCESS");
      assertThat(f.getLong("amountFen")).isEqualTo(25000);
      assertThat(f.getString("covers")).isEqualTo(r.containsKey("valid") ? null : "ITEM"); // the public page's: not said
      assertThat(f.getString("refundedAt")).isEqualTo("2019-12-15T13:25:07+08:00");
      // no more of a person than before: masked, and no reference to look them up with
      assertThat(r.encode()).doesNotContain(Fixture.LI, "李四", ref(h, Fixture.LI), ref(h, Fixture.ZHANG));
    }
    assertThat(pageJson(o).getBoolean("valid")).as("the items kept stand").isTrue();
    // why, and the refund's number, only on the resident's own receipt: the public page is anyone's who holds the paper
    assertThat(apiReceipt(o).getJsonArray("refunds").getJsonObject(0).getString("reason")).isEqualTo("enrolled-elsewhere");
    assertThat(pageJson(o).encode()).doesNotContain("enrolled-elsewhere", "outRefundNo", "reason");
    assertThat(page(o)).doesNotContain("enrolled-elsewhere");
  }

  @Test
  void everyItemRefundedMeansTheReceiptIsRefundedEntirelyAndNoLongerValid() throws Exception {
    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    JsonObject o = g.payZhangFamilyMedical(h, "alipay");
    for (String id : new String[] {Fixture.ZHANG, Fixture.LI, Fixture.CHILD}) {
      refund(h, o, id, "duplicate");
    }
    assertThat(g.get("/api/v1/orders/" + o.getString("id")).bodyAsJsonObject().getString("state"))
        .as("the order itself stays PAID").isEqualTo("PAID");
    String page = page(o);
    assertThat(state(page)).contains("已全额退款", "凭证作废").doesNotContain("凭证有效", "部分退款");
    for (String id : new String[] {Fixture.ZHANG, Fixture.LI, Fixture.CHILD}) {
      assertThat(itemLine(page, id)).contains("已退款", "250.00元", "2019年12月15日 10:00:00");
    }
    assertThat(page).contains("原缴合计", "750.00元", "退款后实缴", "0.00元");
    JsonObject r = pageJson(o);
    assertThat(r.getBoolean("valid")).isFalse();
    assertThat(r.getString("status")).isEqualTo("REFUNDED");
    assertThat(r.getString("statusText")).isEqualTo("已全额退款");
    assertThat(r.getLong("keptFen")).isZero();
    assertThat(apiReceipt(o).getString("status")).isEqualTo("REFUNDED");
  }

  @Test
  void aRefundUnderWayIsShownAsSuchAndCountedOnlyOnceTheChannelConfirmsIt() throws Exception {
    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    JsonObject o = g.payZhangFamilyMedical(h, "wechat");
    g.gateway.demo().sandbox().faults(new SandboxFaults(0, 0, true, 0, false)); // no REFUND.SUCCESS notification
    assertThat(refund(h, o, Fixture.LI, "death").getString("state")).isEqualTo("REQUESTED");

    String page = page(o);
    assertThat(state(page)).contains("凭证有效，已缴费", "退款处理中").doesNotContain("部分退款");
    assertThat(itemLine(page, Fixture.LI)).contains("退款处理中", "250.00元").doesNotContain("已退款");
    assertThat(page).contains("合计", "750.00元").doesNotContain("原缴合计", "退款后实缴");
    JsonObject r = apiReceipt(o);
    assertThat(r.getString("status")).isEqualTo("PAID");
    assertThat(r.getLong("refundedFen")).isZero();
    assertThat(r.getLong("keptFen")).isEqualTo(75000);
    assertThat(r.getLong("refundingFen")).isEqualTo(25000);
    assertThat(item(r, Fixture.LI).getString("status")).isEqualTo("REFUNDING");
    assertThat(item(r, Fixture.LI).getString("statusText")).isEqualTo("退款处理中");
    assertThat(item(r, Fixture.LI).getString("refundedAt")).isNull();

    // two minutes on, the gateway asks the channel, which says it is done: refunded as of then
    g.clock.advance(Duration.ofMinutes(2).plusSeconds(1));
    JsonObject done = Eventually.until("the refund to be confirmed on the receipt", () -> pageJson(o),
        x -> x.getString("status").equals("PARTLY_REFUNDED"));
    assertThat(done.getLong("keptFen")).isEqualTo(50000);
    assertThat(done.getLong("refundingFen")).isZero();
    assertThat(item(done, Fixture.LI).getString("refundedAtText")).isEqualTo("2019年12月15日 10:02:01");
    assertThat(itemLine(page(o), Fixture.LI)).contains("已退款", "2019年12月15日 10:02:01").doesNotContain("处理中");
  }

  @Test
  void aDifferenceRefundedForALateCategoryLeavesTheItemPaid() throws Exception {
    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    JsonObject o = g.payZhangFamilyMedical(h, "alipay");
    g.importCsv("late-dibao.csv", "department,category,id_number,name,valid_from,valid_to\n民政,DIBAO," + Fixture.ZHANG + ",张三,2019-01-01,\n");
    assertThat(refund(h, o, Fixture.ZHANG, "category-arrived").getLong("amountFen")).isEqualTo(25000);

    String page = page(o);
    assertThat(state(page)).contains("部分退款");
    // the public page says part went back, not that it was a difference: only a category granted after paying gives one
    assertThat(itemLine(page, Fixture.ZHANG)).contains("部分退款", "250.00元", "2019年12月15日 10:00:00").doesNotContain("差额");
    JsonObject pub = pageJson(o);
    assertThat(item(pub, Fixture.ZHANG).getString("status")).isEqualTo("PARTLY_REFUNDED");
    assertThat(pub.encode()).doesNotContain("DIFFERENCE", "covers", "差额");
    JsonObject r = apiReceipt(o);
    assertThat(r.getString("status")).isEqualTo("PARTLY_REFUNDED");
    assertThat(r.getLong("keptFen")).isEqualTo(50000);
    assertThat(item(r, Fixture.ZHANG).getString("status")).isEqualTo("DIFFERENCE_REFUNDED");
    assertThat(r.getJsonArray("refunds").getJsonObject(0).getString("covers")).isEqualTo("DIFFERENCE");
  }

  /**
   * Older rows: a second payment refunded before refunds carried their reason code (its number the order's, R and a
   * letter) is not this payment's money; a difference the channel refused, then the whole item given back, leaves
   * nothing under way.
   */
  @Test
  void anOlderUntakenPaymentAndARefusedDifferenceCoveredSinceNeitherMisstateTheReceipt() throws Exception {
    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    JsonObject o = g.payZhangFamilyMedical(h, "alipay");
    String id = o.getString("id");
    long person = g.count("select id from person where ref = '" + ref(h, Fixture.ZHANG) + "'");
    String whole = o.getString("outTradeNo") + "-" + person + "M";
    try (var c = g.db.connect(); var st = c.createStatement()) {
      st.executeUpdate("insert into refund (order_id, out_refund_no, amount_fen, reason, state, created_at, updated_at) values ('"
          + id + "', '" + o.getString("outTradeNo") + "RD', 75000, 'paid twice', 'SUCCESS', '2019-12-15T02:00:00Z', '2019-12-15T02:00:00Z')");
      st.executeUpdate("insert into refund (order_id, out_refund_no, amount_fen, reason, state, created_at, updated_at) values ('"
          + id + "', '" + whole + "D', 10000, 'category-arrived', 'FAILED', '2019-12-15T02:10:00Z', '2019-12-15T02:10:00Z')");
      st.executeUpdate("insert into refund (order_id, out_refund_no, amount_fen, reason, state, created_at, updated_at) values ('"
          + id + "', '" + whole + "', 25000, 'death', 'SUCCESS', '2019-12-15T02:20:00Z', '2019-12-15T02:20:00Z')");
    }
    for (JsonObject r : new JsonObject[] {pageJson(o), apiReceipt(o)}) {
      assertThat(r.getString("status")).isEqualTo("PARTLY_REFUNDED");
      assertThat(r.getLong("refundedFen")).isEqualTo(25000);
      assertThat(r.getLong("keptFen")).isEqualTo(50000);
      assertThat(r.getLong("refundingFen")).isZero();
      assertThat(item(r, Fixture.ZHANG).getString("status")).isEqualTo("REFUNDED");
      assertThat(item(r, Fixture.ZHANG).getLong("refundingFen")).isZero();
    }
    assertThat(pageJson(o).getBoolean("valid")).isTrue();
    assertThat(page(o)).doesNotContain("退款处理中", "尚未退回");
  }

  @Test
  void aSecondPaymentRefundedByItselfIsNotTakenFromTheReceipt() throws Exception {
    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    JsonObject o = g.payZhangFamilyMedical(h, "alipay");
    // the family paid the same order twice: the second payment went back whole, under its own number
    try (var c = g.db.connect(); var st = c.createStatement()) {
      st.executeUpdate("insert into refund (order_id, out_refund_no, amount_fen, reason, state, created_at, updated_at, reason_code,"
          + " channel, paid_fen) values ('" + o.getString("id") + "', '" + o.getString("outTradeNo") + "RD', 75000, '重复支付，本笔全额退回',"
          + " 'SUCCESS', '2019-12-15T02:00:00Z', '2019-12-15T02:00:00Z', 'paid_twice', 'alipay', 75000)");
    }
    assertThat(state(page(o))).contains("凭证有效，已缴费");
    JsonObject r = pageJson(o);
    assertThat(r.getString("status")).isEqualTo("PAID");
    assertThat(r.getLong("keptFen")).isEqualTo(75000);
    assertThat(r.getBoolean("valid")).isTrue();
    assertThat(apiReceipt(o).getJsonArray("refunds").getJsonObject(0).getString("covers")).isEqualTo("UNTAKEN_PAYMENT");
  }
}
