package cn.liangxian.gateway.refund;

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
import java.sql.Connection;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A refund the channel refused for good (FAILED), paid back by finance another way and recorded: the page ends, the
 * worklist no longer holds it, the receipt counts it as 已退款（线下）, the audit log has its before and after; nobody
 * else records it, and nothing else is recorded so.
 */
class FailedRefundSettlementTest {
  static final Pattern TWICE_GAUGE = Pattern.compile("(?m)^liangxian_refunds_paid_back_twice(?:\\{[^}]*\\})? ([0-9.]+)$");
  static final Pattern FAILED_GAUGE = Pattern.compile("(?m)^liangxian_refunds_failed(?:\\{[^}]*\\})? ([0-9.]+)$");

  TestGateway g;
  String finance;

  @BeforeEach
  void start() throws Exception {
    g = Fixture.load(new TestGateway());
    finance = g.operatorToken(Role.FINANCE, Scope.ALL);
  }

  @AfterEach
  void stop() throws Exception {
    g.gateway.demo().sandbox().faults(SandboxFaults.NONE);
    g.close();
  }

  private JsonObject refund(JsonObject h, JsonObject o, String id, String reason) throws Exception {
    HttpResponse<Buffer> r = call("POST", "/api/v1/operator/refunds", finance, new JsonObject().put("orderId", o.getString("id"))
        .put("memberRef", ref(h, id)).put("insurance", "medical").put("reason", reason).encode());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  private HttpResponse<Buffer> call(String method, String path, String token, String json) throws Exception {
    var req = g.http.request(io.vertx.core.http.HttpMethod.valueOf(method), path).putHeader("Authorization", "Bearer " + token);
    var sent = json == null ? req.send() : req.putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(json));
    return sent.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private HttpResponse<Buffer> settle(String no, String token, JsonObject body) throws Exception {
    return call("POST", "/api/v1/operator/refunds/" + no + "/settled", token, body.encode());
  }

  private static JsonObject transfer() {
    return new JsonObject().put("how", "bank transfer by the county finance office").put("reference", "XZ-2020-0042");
  }

  static void assertProblem(HttpResponse<Buffer> r, int status, String type) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(r.getHeader("Content-Type")).startsWith("application/problem+json");
    assertThat(r.bodyAsJsonObject().getString("type")).endsWith("/" + type);
  }

  private void sql(String sql) throws Exception {
    try (Connection c = g.db.connect(); Statement st = c.createStatement()) {
      st.executeUpdate(sql);
    }
  }

  private String scalar(String sql) throws Exception {
    return g.text(sql);
  }

  /** What the gauge of refunds owed says now (the leader's sweep sets it). */
  private long failedGauge() throws Exception {
    return gauge(FAILED_GAUGE);
  }

  /** What the gauge of refunds paid back twice says now (the leader's sweep sets it). */
  private long twiceGauge() throws Exception {
    return gauge(TWICE_GAUGE);
  }

  private long gauge(Pattern series) throws Exception {
    Matcher m = series.matcher(g.metrics());
    return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
  }

  private JsonArray failedList(String token, String query) throws Exception {
    return refunds("/api/v1/operator/refunds/failed" + query, token);
  }

  private JsonArray twiceList(String token, String query) throws Exception {
    return refunds("/api/v1/operator/refunds/paid-back-twice" + query, token);
  }

  private JsonArray refunds(String path, String token) throws Exception {
    HttpResponse<Buffer> r = call("GET", path, token, null);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonArray("refunds");
  }

  private static boolean lists(JsonArray refunds, String no) {
    return refunds.stream().map(JsonObject.class::cast).anyMatch(f -> f.getString("outRefundNo").equals(no));
  }

  private static JsonObject item(JsonObject receipt, String id) {
    return receipt.getJsonArray("items").stream().map(JsonObject.class::cast).filter(i -> i.getString("idNumber").equals(masked(id)))
        .findFirst().orElseThrow();
  }

  private String page(JsonObject o) throws Exception {
    HttpResponse<Buffer> r = g.http.get("/r/" + o.getString("outTradeNo")).putHeader("Accept", "text/html").send()
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(200);
    return r.bodyAsString();
  }

  /**
   * WeChat Pay refuses, when asked, to refund a payer whose account is closed (USER_ACCOUNT_ABNORMAL, signed): the refund
   * is not asked for again and again, but owed by finance at once, on the worklist and the gauge behind the alert.
   */
  @Test
  void aRefundTheChannelWillNotTakeBackTheWayItCameIsOwedByFinanceAtOnce() throws Exception {
    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    JsonObject o = g.payZhangFamilyMedical(h, "wechat");
    g.gateway.demo().sandbox().closePayerAccount(o.getString("outTradeNo")).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    JsonObject refund = refund(h, o, Fixture.LI, "death");
    String no = refund.getString("outRefundNo");
    assertThat(refund.getString("state")).as("the operator's answer says so already").isEqualTo("FAILED");
    assertThat(scalar("select last_error from refund where out_refund_no = '" + no + "'"))
        .startsWith("refused by the channel: USER_ACCOUNT_ABNORMAL");
    Eventually.until("the gauge to count the refusal", this::failedGauge, n -> n == 1);
    JsonObject owed = failedList(finance, "").stream().map(JsonObject.class::cast).filter(f -> f.getString("outRefundNo").equals(no))
        .findFirst().orElseThrow();
    assertThat(owed.getString("idNumber")).isEqualTo(masked(Fixture.LI));
    // and finance records paying it back as any refused refund
    assertThat(settle(no, finance, transfer()).statusCode()).isEqualTo(200);
    Eventually.until("the gauge to drop the settled refund", this::failedGauge, n -> n == 0);
  }

  @Test
  void aRefusedRefundFinancePaidBackAnotherWayEndsThePageAndReadsAsRefunded() throws Exception {
    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    JsonObject o = g.payZhangFamilyMedical(h, "wechat");
    // WeChat Pay takes the refund and never confirms it; its query then says it refused it for good
    g.gateway.demo().sandbox().faults(new SandboxFaults(0, 0, true, 0, false));
    JsonObject refund = refund(h, o, Fixture.LI, "death");
    String no = refund.getString("outRefundNo");
    assertThat(refund.getString("state")).isEqualTo("REQUESTED");
    // what the sweeper writes when the channel's query answers that it refused the refund for good
    sql("update refund set state = 'FAILED', last_error = 'refused by the channel' where out_refund_no = '" + no + "'");
    Eventually.until("the gauge to count the refusal", this::failedGauge, n -> n == 1);
    JsonObject owed = failedList(finance, "").stream().map(JsonObject.class::cast).filter(f -> f.getString("outRefundNo").equals(no))
        .findFirst().orElseThrow();
    // whom to pay back, masked
    assertThat(owed.getString("idNumber")).isEqualTo(masked(Fixture.LI));
    assertThat(owed.getString("name")).startsWith("李").contains("*");
    JsonObject before = g.get("/api/v1/orders/" + o.getString("id") + "/receipt").bodyAsJsonObject();
    assertThat(item(before, Fixture.LI).getString("status")).as("owed still, shown not counted").isEqualTo("REFUNDING");
    assertThat(before.getLong("refundedFen")).isZero();
    assertThat(page(o)).doesNotContain("已退款（线下）");
    // the order says the staff will give the money back (the channel refused to)
    assertThat(g.get("/api/v1/orders/" + o.getString("id")).bodyAsJsonObject().getString("moneyBack")).isEqualTo("将由工作人员退还");

    HttpResponse<Buffer> settled = settle(no, finance, transfer());
    assertThat(settled.statusCode()).as(settled.bodyAsString()).isEqualTo(200);
    JsonObject s = settled.bodyAsJsonObject();
    assertThat(s.getBoolean("settled")).isTrue();
    assertThat(s.getString("state")).as("no channel moved the money").isEqualTo("FAILED");
    assertThat(s.getLong("amountFen")).isEqualTo(refund.getLong("amountFen"));
    assertThat(s.getString("reference")).isEqualTo("XZ-2020-0042");

    // the page ends: the gauge counts only the refusals still owed
    Eventually.until("the gauge to drop the settled refund", this::failedGauge, n -> n == 0);
    assertThat(lists(failedList(finance, ""), no)).isFalse();
    JsonObject listed = failedList(finance, "?settled=true").stream().map(JsonObject.class::cast)
        .filter(f -> f.getString("outRefundNo").equals(no)).findFirst().orElseThrow();
    assertThat(listed.getString("how")).isEqualTo("bank transfer by the county finance office");
    assertThat(listed.getString("settledBy")).isEqualTo(s.getString("settledBy"));

    // the resident reads it as given back, in plain words
    JsonObject after = g.get("/api/v1/orders/" + o.getString("id") + "/receipt").bodyAsJsonObject();
    assertThat(item(after, Fixture.LI).getString("status")).isEqualTo("REFUNDED");
    assertThat(item(after, Fixture.LI).getString("statusText")).isEqualTo("已退款");
    assertThat(g.get("/api/v1/orders/" + o.getString("id")).bodyAsJsonObject().getString("moneyBack"))
        .as("paid back another way: back, not the way it came").isEqualTo("已退回");
    assertThat(after.getLong("refundedFen")).isEqualTo(refund.getLong("amountFen"));
    assertThat(after.getLong("refundingFen")).isZero();
    JsonObject line = item(after, Fixture.LI).getJsonArray("refunds").getJsonObject(0);
    assertThat(line.getString("stateText")).isEqualTo("已退款（线下）");
    assertThat(line.getBoolean("settledElsewhere")).isTrue();
    assertThat(line.encode()).doesNotContain("XZ-2020-0042", "bank transfer");
    assertThat(page(o)).contains("已退款（线下）").doesNotContain("尚未退回", "XZ-2020-0042");

    // audited with its before and after, in the change's transaction
    assertThat(scalar("select count(*) from audit_log where action = 'refund.settle' and subject = '" + no + "' and after is not null"))
        .isEqualTo("1");
    assertThat(scalar("select before::text from audit_log where action = 'refund.settle' and subject = '" + no + "' and before is not null"))
        .contains("\"settled\": false", "\"state\": \"FAILED\"");
    assertThat(scalar("select after::text from audit_log where action = 'refund.settle' and subject = '" + no + "' and after is not null"))
        .contains("\"settled\": true", "XZ-2020-0042");

    // recorded once: the same record again answers the same and writes nothing; another is refused
    HttpResponse<Buffer> again = settle(no, finance, transfer());
    assertThat(again.statusCode()).as(again.bodyAsString()).isEqualTo(200);
    assertThat(again.bodyAsJsonObject().getString("settledAt")).isEqualTo(s.getString("settledAt"));
    HttpResponse<Buffer> other = settle(no, finance, transfer().put("reference", "XZ-2020-0043"));
    assertProblem(other, 409, "refund-settled-already");
    assertThat(scalar("select settled_reference from refund where out_refund_no = '" + no + "'")).isEqualTo("XZ-2020-0042");
    assertThat(scalar("select count(*) from audit_log where action = 'refund.settle' and subject = '" + no + "' and after is not null"))
        .isEqualTo("1");

    // the channel had paid it back after all (its bill lists it done): the money went back twice, counted and alerted on
    assertThat(twiceGauge()).isZero();
    assertProblem(call("POST", "/api/v1/operator/refunds/" + no + "/recovered", finance, transfer().encode()), 409,
        "refund-not-paid-back-twice");
    HttpResponse<Buffer> bill = call("POST", "/api/v1/operator/reconciliation/wechat/2019-12-15", finance, null);
    assertThat(bill.statusCode()).as(bill.bodyAsString()).isEqualTo(200);
    Eventually.until("the refund paid back twice counted", this::twiceGauge, n -> n == 1);
    JsonObject twice = twiceList(finance, "").stream().map(JsonObject.class::cast).filter(f -> f.getString("outRefundNo").equals(no))
        .findFirst().orElseThrow();
    assertThat(twice.getLong("amountFen")).isEqualTo(refund.getLong("amountFen"));
    assertThat(twice.getString("settledReference")).isEqualTo("XZ-2020-0042");
    assertThat(twice.getBoolean("recovered")).isFalse();
    assertThat(twice.getString("idNumber")).isEqualTo(masked(Fixture.LI));

    // finance recovers one and records it, once: the gauge, and so the alert, end
    JsonObject returned = new JsonObject().put("how", "returned by the resident at the township office").put("reference", "TH-2020-0007");
    HttpResponse<Buffer> recovered = call("POST", "/api/v1/operator/refunds/" + no + "/recovered", finance, returned.encode());
    assertThat(recovered.statusCode()).as(recovered.bodyAsString()).isEqualTo(200);
    assertThat(recovered.bodyAsJsonObject().getBoolean("recovered")).isTrue();
    Eventually.until("the recovered refund no longer counted", this::twiceGauge, n -> n == 0);
    assertThat(twiceList(finance, "")).isEmpty();
    assertThat(twiceList(finance, "?recovered=true").getJsonObject(0).getString("reference")).isEqualTo("TH-2020-0007");
    HttpResponse<Buffer> sameAgain = call("POST", "/api/v1/operator/refunds/" + no + "/recovered", finance, returned.encode());
    assertThat(sameAgain.bodyAsJsonObject().getString("recoveredAt")).isEqualTo(recovered.bodyAsJsonObject().getString("recoveredAt"));
    assertProblem(call("POST", "/api/v1/operator/refunds/" + no + "/recovered", finance, returned.copy().put("reference", "TH-2").encode()),
        409, "refund-recovered-already");
    String admin = g.adminToken();
    assertProblem(call("POST", "/api/v1/operator/refunds/" + no + "/recovered", admin, returned.encode()), 403, "operator-forbidden");
    assertProblem(call("GET", "/api/v1/operator/refunds/paid-back-twice?recovered=maybe", finance, null), 400, "invalid-request");
    assertThat(scalar("select count(*) from audit_log where action = 'refund.recover' and subject = '" + no + "' and after is not null"))
        .isEqualTo("1");
  }

  @Test
  void onlyFinanceInScopeRecordsAndOnlyARefusedRefundWithAProperBody() throws Exception {
    JsonObject h = g.lookup(Fixture.ZHANG, "张三"); // district 371312
    JsonObject o = g.payZhangFamilyMedical(h, "alipay");
    String done = refund(h, o, Fixture.ZHANG, "duplicate").getString("outRefundNo");
    assertThat(scalar("select state from refund where out_refund_no = '" + done + "'")).isEqualTo("SUCCESS");
    String refused = o.getString("outTradeNo") + "-F";
    sql("insert into refund (order_id, out_refund_no, amount_fen, reason, state, created_at, updated_at, last_error) values ('"
        + o.getString("id") + "', '" + refused + "', 100, 'duplicate', 'FAILED', '2019-12-15T02:00:00Z', '2019-12-15T02:05:00Z',"
        + " 'refused by the channel')");
    String admin = g.adminToken();
    String township = g.operatorToken(Role.TOWNSHIP, new Scope("371312", "汤头街道", null));
    String elsewhere = g.operatorToken(Role.FINANCE, new Scope("431103", null, null));

    // administrators move no money; nor does a township
    assertProblem(settle(refused, admin, transfer()), 403, "operator-forbidden");
    assertProblem(settle(refused, township, transfer()), 403, "operator-forbidden");
    assertProblem(call("GET", "/api/v1/operator/refunds/failed", admin, null), 403, "operator-forbidden");
    // finance of another district neither records it nor sees it
    assertProblem(settle(refused, elsewhere, transfer()), 403, "operator-out-of-scope");
    assertThat(lists(failedList(elsewhere, ""), refused)).isFalse();
    // only a refund the channel refused
    HttpResponse<Buffer> confirmed = settle(done, finance, transfer());
    assertProblem(confirmed, 409, "refund-not-failed");
    assertThat(confirmed.bodyAsJsonObject().getString("state")).isEqualTo("SUCCESS");
    assertProblem(settle(o.getString("outTradeNo") + "-none", finance, transfer()), 404, "refund-not-found");
    // a body that says how and under which reference, in bounded text, and nothing else
    assertProblem(settle(refused, finance, new JsonObject().put("how", "cash")), 400, "invalid-request");
    assertProblem(settle(refused, finance, new JsonObject().put("reference", "R1")), 400, "invalid-request");
    assertProblem(settle(refused, finance, transfer().put("how", "  ")), 400, "invalid-request");
    assertProblem(settle(refused, finance, transfer().put("how", "x".repeat(201))), 400, "invalid-request");
    assertProblem(settle(refused, finance, transfer().put("reference", "x".repeat(101))), 400, "invalid-request");
    assertProblem(settle(refused, finance, transfer().put("reference", 42)), 400, "invalid-request");
    assertProblem(settle(refused, finance, transfer().put("amountFen", 1)), 400, "invalid-request");
    assertThat(call("POST", "/api/v1/operator/refunds/" + refused + "/settled", finance, "{not json").statusCode()).isEqualTo(400);
    assertProblem(call("GET", "/api/v1/operator/refunds/failed?settled=maybe", finance, null), 400, "invalid-request");
    // nothing of it changed, no change audited
    assertThat(scalar("select count(*) from refund where settled_at is not null")).isEqualTo("0");
    assertThat(scalar("select count(*) from audit_log where action = 'refund.settle' and after is not null")).isEqualTo("0");

    // finance of the district records it
    String district = g.operatorToken(Role.FINANCE, new Scope("371312", null, null));
    assertThat(lists(failedList(district, ""), refused)).isTrue();
    HttpResponse<Buffer> ok = settle(refused, district, transfer());
    assertThat(ok.statusCode()).as(ok.bodyAsString()).isEqualTo(200);
    assertThat(scalar("select settled_by is not null and settled_how = 'bank transfer by the county finance office'"
        + " from refund where out_refund_no = '" + refused + "'")).isEqualTo("t");
  }

  /**
   * A refused refund the item's other refund gave back since: a difference the whole item's refund covered is owed
   * nothing (not listed, not counted, not to be settled); a whole refund whose difference went back owes the rest.
   */
  @Test
  void whatAnotherRefundOfTheItemGaveBackIsNotOwedTwice() throws Exception {
    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    JsonObject o = g.payZhangFamilyMedical(h, "alipay");
    String whole = refund(h, o, Fixture.ZHANG, "duplicate").getString("outRefundNo");
    assertThat(scalar("select state from refund where out_refund_no = '" + whole + "'")).isEqualTo("SUCCESS");
    String orderId = o.getString("id");
    // 张三's difference, refused before his whole item went back (which gave back all he paid)
    sql("insert into refund (order_id, out_refund_no, amount_fen, reason, state, created_at, updated_at, last_error) values ('"
        + orderId + "', '" + whole + "D', 3000, 'category', 'FAILED', '2019-12-15T02:00:00Z', '2019-12-15T02:05:00Z', 'refused')");
    // 李四's whole item refused, after her difference of 3,000 fen went back
    String liWhole = o.getString("outTradeNo") + "-" + scalar("select min(person_id) from order_item where order_id = '" + orderId
        + "' and person_id::text <> '" + whole.substring(whole.indexOf('-') + 1, whole.length() - 1) + "'") + "M";
    sql("insert into refund (order_id, out_refund_no, amount_fen, reason, state, created_at, updated_at) values ('"
        + orderId + "', '" + liWhole + "D', 3000, 'category', 'SUCCESS', '2019-12-15T02:00:00Z', '2019-12-15T02:05:00Z')");
    sql("insert into refund (order_id, out_refund_no, amount_fen, reason, state, created_at, updated_at, last_error) values ('"
        + orderId + "', '" + liWhole + "', 25000, 'death', 'FAILED', '2019-12-15T03:00:00Z', '2019-12-15T03:05:00Z', 'refused')");

    JsonArray owed = failedList(finance, "");
    assertThat(lists(owed, whole + "D")).as("covered by the whole refund").isFalse();
    JsonObject li = owed.stream().map(JsonObject.class::cast).filter(f -> f.getString("outRefundNo").equals(liWhole))
        .findFirst().orElseThrow();
    assertThat(li.getLong("amountFen")).isEqualTo(25000);
    assertThat(li.getLong("owedFen")).as("the rest, her difference given back").isEqualTo(22000);
    Eventually.until("the gauge to count only what is owed", this::failedGauge, n -> n == 1);

    assertProblem(settle(whole + "D", finance, transfer()), 409, "refund-covered");
    assertThat(scalar("select settled_at from refund where out_refund_no = '" + whole + "D'")).isNull();
    HttpResponse<Buffer> rest = settle(liWhole, finance, transfer());
    assertThat(rest.statusCode()).as(rest.bodyAsString()).isEqualTo(200);
    assertThat(rest.bodyAsJsonObject().getLong("owedFen")).isEqualTo(22000);
    Eventually.until("nothing owed", this::failedGauge, n -> n == 0);
  }
}
