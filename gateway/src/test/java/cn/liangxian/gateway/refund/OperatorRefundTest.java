package cn.liangxian.gateway.refund;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import static cn.liangxian.gateway.support.TestGateway.masked;
import static cn.liangxian.gateway.support.TestGateway.ref;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OperatorRefundTest {
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



  HttpResponse<Buffer> refund(JsonObject body, String token) throws Exception {
    var req = g.http.post("/api/v1/operator/refunds").putHeader("Content-Type", "application/json");
    if (token != null) {
      req.putHeader("Authorization", "Bearer " + token);
    }
    return req.sendBuffer(Buffer.buffer(body.encode())).toCompletionStage().toCompletableFuture().get();
  }

  @Test
  void aWholeItemIsRefundedOnceWithItsReasonAndNoLongerCountsAsPaid() throws Exception {
    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    JsonObject o = g.payZhangFamilyMedical(h, "alipay");
    JsonObject body = new JsonObject().put("orderId", o.getString("id")).put("memberRef", ref(h, Fixture.LI))
        .put("insurance", "medical").put("reason", "enrolled-elsewhere");
    assertThat(refund(body, null).statusCode()).isEqualTo(401);
    HttpResponse<Buffer> first = refund(body, TOKEN);
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(200);
    assertThat(first.bodyAsJsonObject().getLong("amountFen")).isEqualTo(25000);
    assertThat(first.bodyAsJsonObject().getString("state")).isEqualTo("SUCCESS");
    JsonObject again = refund(body, TOKEN).bodyAsJsonObject();
    assertThat(again.getString("outRefundNo")).isEqualTo(first.bodyAsJsonObject().getString("outRefundNo"));

    JsonObject receipt = g.get("/api/v1/orders/" + o.getString("id") + "/receipt").bodyAsJsonObject();
    assertThat(receipt.getJsonArray("refunds")).singleElement()
        .satisfies(r -> assertThat(((JsonObject) r).getString("reason")).isEqualTo("enrolled-elsewhere"));
    // the channel moved the money once
    assertThat(g.gateway.channels().get("alipay").query(o.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get()
        .amountFen()).isEqualTo(75000);
    String li = g.lookup(Fixture.LI, "李四").getJsonArray("members").stream().map(x -> (JsonObject) x)
        .filter(m -> m.getString("idNumber").equals(masked(Fixture.LI))).findFirst().orElseThrow().encode();
    assertThat(li).contains("\"status\":\"unpaid\"");
    assertThat(refund(body.copy().put("reason", "because"), TOKEN).statusCode()).isEqualTo(400);
  }

  @Test
  void aBadReferenceOrInsuranceIsRefusedByItsOwnNameBeforeAnyItemIsLookedFor() throws Exception {
    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    JsonObject o = g.payZhangFamilyMedical(h, "alipay");
    JsonObject body = new JsonObject().put("orderId", o.getString("id")).put("memberRef", ref(h, Fixture.LI))
        .put("insurance", "medical").put("reason", "death");
    for (String[] bad : new String[][] {{"orderId", "abc"}, {"memberRef", "abc"}, {"insurance", "dental"}, {"insurance", "Medical"}}) {
      HttpResponse<Buffer> r = refund(body.copy().put(bad[0], bad[1]), TOKEN);
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
      assertThat(r.bodyAsJsonObject().getString("field")).as(r.bodyAsString()).isEqualTo(bad[0]);
    }
    assertThat(g.count("select count(*) from refund where order_id = '" + o.getString("id") + "'")).isZero();
  }

  @Test
  void aSpecialGroupFlagArrivingAfterAFullPaymentRefundsTheDifference() throws Exception {
    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    JsonObject o = g.payZhangFamilyMedical(h, "alipay");
    JsonObject body = new JsonObject().put("orderId", o.getString("id")).put("memberRef", ref(h, Fixture.ZHANG))
        .put("insurance", "medical").put("reason", "category-arrived");
    assertThat(refund(body, TOKEN).statusCode()).isEqualTo(422); // nothing arrived yet
    g.importCsv("late-dibao.csv", "department,category,id_number,name,valid_from,valid_to\n民政,DIBAO," + Fixture.ZHANG + ",张三,2019-01-01,\n");
    HttpResponse<Buffer> r = refund(body, TOKEN);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getLong("amountFen")).isEqualTo(25000); // DIBAO is paid by the district (000 三(二)2)
    assertThat(g.lookup(Fixture.ZHANG, "张三").encode()).contains("\"status\":\"paid\"");
    // the whole item asked for afterwards: nothing is left, the answer is the refund that gave it back
    HttpResponse<Buffer> death = refund(body.copy().put("reason", "death"), TOKEN);
    assertThat(death.statusCode()).as(death.bodyAsString()).isEqualTo(200);
    assertThat(death.bodyAsJsonObject().getString("outRefundNo")).isEqualTo(r.bodyAsJsonObject().getString("outRefundNo"));
    try (java.sql.Connection c = g.db.connect(); java.sql.Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery(
        "select count(*), sum(amount_fen) from refund where order_id = '" + o.getString("id") + "'")) {
      rs.next();
      assertThat(rs.getLong(1)).as("one refund of the item").isEqualTo(1);
      assertThat(rs.getLong(2)).isEqualTo(25000);
    }
    // but the item is undone: released, and the agency told with a whole reversal that moves no personal money
    String zhang = g.lookup(Fixture.ZHANG, "张三").getJsonArray("members").stream().map(x -> (JsonObject) x)
        .filter(m -> m.getString("idNumber").equals(masked(Fixture.ZHANG))).findFirst().orElseThrow().encode();
    // DIBAO: the district pays for 张三 now that his payment is undone
    assertThat(zhang).contains("\"insurance\":\"medical\",\"year\":2020,\"status\":\"paid-by-government\"");
    String reversals = "select count(*) from handoff_record where kind = 'REVERSAL' and order_id = '" + o.getString("id") + "'";
    assertThat(g.count(reversals + " and reason = 'death' and personal_fen = 0 and refund_no not like '%D'")).isEqualTo(1);
    assertThat(refund(body.copy().put("reason", "death"), TOKEN).statusCode()).isEqualTo(200);
    assertThat(g.count(reversals)).as("the difference's and the whole's, each once").isEqualTo(2);
    assertThat(g.count("select count(*) from audit_log where action = 'refund.request' and after->>'amountFen' = '0'"))
        .isEqualTo(1);
  }

  /** 张三's medical difference of {@code fen}, refused by the channel (owed still): his whole item's refund number. */
  private String refusedDifference(JsonObject h, JsonObject o, long fen) throws Exception {
    long person = g.count("select id from person where ref = '" + ref(h, Fixture.ZHANG) + "'");
    String whole = o.getString("outTradeNo") + "-" + person + "M";
    sql("insert into refund (order_id, out_refund_no, amount_fen, reason, state, created_at, updated_at, last_error) values ('"
        + o.getString("id") + "', '" + whole + "D', " + fen + ", 'category-arrived', 'FAILED', '2019-12-15T02:00:00Z',"
        + " '2019-12-15T02:00:00Z', 'refused by the channel')");
    return whole;
  }

  private void sql(String sql) throws Exception {
    try (java.sql.Connection c = g.db.connect(); java.sql.Statement st = c.createStatement()) {
      st.executeUpdate(sql);
    }
  }

  /**
   * A difference the channel refused is owed still (finance pays it back, or the channel pays it after all: a WeChat Pay
   * refund ABNORMAL and handled since, listed done on a later bill): the whole item refunded afterwards gives back only
   * the rest, so that the item never goes back for more than was paid for it.
   */
  @Test
  void aWholeRefundAfterARefusedDifferenceGivesBackOnlyTheRest() throws Exception {
    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    JsonObject o = g.payZhangFamilyMedical(h, "wechat");
    // WeChat Pay takes refunds and never confirms them
    g.gateway.demo().sandbox().faults(new cn.liangxian.sandbox.fault.SandboxFaults(0, 0, true, 0, false));
    // 张三's difference of 100 yuan, refused by the channel (what the sweeper writes when its query says so)
    String whole = refusedDifference(h, o, 10000);
    JsonObject body = new JsonObject().put("orderId", o.getString("id")).put("memberRef", ref(h, Fixture.ZHANG))
        .put("insurance", "medical").put("reason", "death");
    HttpResponse<Buffer> r = refund(body, TOKEN);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getString("outRefundNo")).isEqualTo(whole);
    assertThat(r.bodyAsJsonObject().getLong("amountFen")).as("250 yuan paid, 100 of them owed by the refused difference")
        .isEqualTo(15000);
    assertThat(g.count("select sum(amount_fen) from refund where out_refund_no like '" + whole + "%'")).isEqualTo(25000);
    // the refused difference is on finance's worklist still, for all of it
    JsonObject owed = g.get("/api/v1/operator/refunds/failed", "Authorization", "Bearer " + TOKEN).bodyAsJsonObject()
        .getJsonArray("refunds").stream().map(JsonObject.class::cast).filter(f -> f.getString("outRefundNo").equals(whole + "D"))
        .findFirst().orElseThrow();
    assertThat(owed.getLong("owedFen")).isEqualTo(10000);
    g.gateway.demo().sandbox().faults(cn.liangxian.sandbox.fault.SandboxFaults.NONE);
  }

  /**
   * A difference that gave back all 张三 paid, refused by the channel (owed still), then his whole item: the item is
   * undone (released, the agency told), but his receipt says the money is still on its way back, never that it went.
   */
  @Test
  void anItemUndoneWhileItsDifferenceIsOwedReadsAsBeingRefunded() throws Exception {
    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    JsonObject o = g.payZhangFamilyMedical(h, "wechat");
    long person = g.count("select id from person where ref = '" + ref(h, Fixture.ZHANG) + "'");
    String whole = refusedDifference(h, o, 25000);
    JsonObject body = new JsonObject().put("orderId", o.getString("id")).put("memberRef", ref(h, Fixture.ZHANG))
        .put("insurance", "medical").put("reason", "death");
    HttpResponse<Buffer> death = refund(body, TOKEN);
    assertThat(death.statusCode()).as(death.bodyAsString()).isEqualTo(200);
    assertThat(g.count("select count(*) from reservation where order_id = '" + o.getString("id") + "' and person_id = " + person))
        .as("released").isZero();
    JsonObject receipt = g.get("/api/v1/orders/" + o.getString("id") + "/receipt").bodyAsJsonObject();
    JsonObject item = receipt.getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(i -> i.getString("idNumber").equals(masked(Fixture.ZHANG)) && i.getString("insurance").equals("medical"))
        .findFirst().orElseThrow();
    assertThat(item.getString("status")).as(receipt.encodePrettily()).isEqualTo("REFUNDING");
    assertThat(item.getLong("refundingFen")).isEqualTo(25000);
    assertThat(item.getLong("refundedFen")).isZero();
    assertThat(receipt.getString("status")).isNotEqualTo("REFUNDED");

    // finance pays it back another way: now it went back, whole
    sql("update refund set settled_at = '2019-12-16T02:00:00Z', settled_by = 'finance', settled_how = 'bank transfer',"
        + " settled_reference = 'V-1' where out_refund_no = '" + whole + "D'");
    JsonObject after = g.get("/api/v1/orders/" + o.getString("id") + "/receipt").bodyAsJsonObject().getJsonArray("items")
        .stream().map(JsonObject.class::cast).filter(i -> i.getString("idNumber").equals(masked(Fixture.ZHANG))
            && i.getString("insurance").equals("medical")).findFirst().orElseThrow();
    assertThat(after.getString("status")).isEqualTo("REFUNDED");
    assertThat(after.getLong("refundedFen")).isEqualTo(25000);
  }

  /** A whole item whose refund the channel refused is owed whole still: a difference asked for since adds nothing to it. */
  @Test
  void aDifferenceAfterARefusedWholeRefundAddsNothing() throws Exception {
    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    JsonObject o = g.payZhangFamilyMedical(h, "wechat");
    // WeChat Pay takes refunds and never confirms them
    g.gateway.demo().sandbox().faults(new cn.liangxian.sandbox.fault.SandboxFaults(0, 0, true, 0, false));
    JsonObject body = new JsonObject().put("orderId", o.getString("id")).put("memberRef", ref(h, Fixture.ZHANG))
        .put("insurance", "medical").put("reason", "death");
    HttpResponse<Buffer> death = refund(body, TOKEN);
    assertThat(death.statusCode()).as(death.bodyAsString()).isEqualTo(200);
    String whole = death.bodyAsJsonObject().getString("outRefundNo");
    assertThat(death.bodyAsJsonObject().getLong("amountFen")).isEqualTo(25000);
    sql("update refund set state = 'FAILED', last_error = 'refused by the channel' where out_refund_no = '" + whole + "'");
    g.importCsv("late-dibao.csv", "department,category,id_number,name,valid_from,valid_to\n民政,DIBAO," + Fixture.ZHANG
        + ",张三,2019-01-01,\n");
    HttpResponse<Buffer> r = refund(body.copy().put("reason", "category-arrived"), TOKEN);
    // answered with the whole refund, which covers the difference (nothing new is refunded)
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getString("outRefundNo")).isEqualTo(whole);
    assertThat(g.count("select count(*) from refund where out_refund_no = '" + whole + "D'")).as("no difference refunded").isZero();
    assertThat(g.count("select sum(amount_fen) from refund where order_id = '" + o.getString("id") + "'")).isEqualTo(25000);
    g.gateway.demo().sandbox().faults(cn.liangxian.sandbox.fault.SandboxFaults.NONE);
  }
}
