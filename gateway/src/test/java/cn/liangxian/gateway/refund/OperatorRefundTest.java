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
  }
}
