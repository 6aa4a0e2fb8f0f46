package cn.liangxian.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A gateway that may serve no lookup at all: each is turned away at once, in Chinese, while callbacks and health are served. */
class AdmissionApiTest {

  /** A resident's phone opening a receipt's page when it is turned away is shown a Chinese page, not problem+json. */
  @Test
  void aReceiptsPageTurnedAwayIsAChinesePageToAPhone() throws Exception {
    try (TestGateway g = new TestGateway(Map.of("GATEWAY_ADMISSION_ORDER_READS", "0", "GATEWAY_ADMISSION_RETRY_AFTER_SECONDS", "5"))) {
      String receipt = "/r/" + java.util.UUID.randomUUID().toString().replace("-", "");
      HttpResponse<Buffer> page = g.get(receipt, "Accept", "text/html,application/xhtml+xml,*/*;q=0.8");
      assertThat(page.statusCode()).isEqualTo(503);
      assertThat(page.getHeader("Retry-After")).isEqualTo("5");
      assertThat(page.getHeader("Content-Type")).isEqualTo("text/html; charset=utf-8");
      assertThat(page.bodyAsString()).contains("系统繁忙", "刷新本页").doesNotContain("\"type\"");
      // a program turned away the same keeps its problem+json
      HttpResponse<Buffer> program = g.get(receipt);
      assertThat(program.statusCode()).isEqualTo(503);
      assertThat(program.getHeader("Content-Type")).isEqualTo("application/problem+json");
    }
  }

  @Test
  void aShedLookupIsAnsweredAtOnceWithRetryAfterWhileCallbacksAndHealthAreServed() throws Exception {
    try (TestGateway g = Fixture.load(new TestGateway(Map.of("GATEWAY_ADMISSION_LOOKUPS", "0",
        "GATEWAY_ADMISSION_RETRY_AFTER_SECONDS", "5")))) {
      JsonObject body = new JsonObject().put("idNumber", Fixture.CHEN).put("name", "陈一");
      for (int i = 0; i < 2; i++) {
        HttpResponse<Buffer> r = g.post("/api/v1/lookup", body, "Authorization", g.bearer("busy-day"));
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.getHeader("Retry-After")).isEqualTo("5");
        assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
        JsonObject p = r.bodyAsJsonObject();
        assertThat(p.getString("type")).isEqualTo(Problem.TYPE_BASE + "busy");
        assertThat(p.getString("title")).isEqualTo("现在缴费人数较多，请 5 秒后再试");
        assertThat(p.getString("detail")).contains("5 秒后");
        assertThat(p.getInteger("status")).isEqualTo(503);
      }

      HttpResponse<Buffer> callback = g.http.post("/api/v1/callbacks/alipay")
          .putHeader("Content-Type", "application/x-www-form-urlencoded")
          .sendBuffer(Buffer.buffer("app_id=2021000000000001&out_trade_no=X&trade_status=TRADE_SUCCESS&sign=Zm9yZ2Vk"))
          .toCompletionStage().toCompletableFuture().get();
      assertThat(callback.statusCode()).isNotEqualTo(503);
      assertThat(callback.bodyAsString()).as("the callback reached its handler").isEqualTo("failure");
      assertThat(g.get("/health/live").statusCode()).isEqualTo(200);

      String metrics = Eventually.until("the callback's place given back", g::metrics,
          m -> m.contains("liangxian_admission_in_flight{class=\"callback\"} 0.0"));
      assertThat(metrics).contains("liangxian_admission_total{class=\"lookup\",outcome=\"shed\"} 2.0",
          "liangxian_admission_total{class=\"lookup\",outcome=\"admitted\"} 0.0",
          "liangxian_admission_total{class=\"callback\",outcome=\"admitted\"} 1.0",
          "liangxian_admission_total{class=\"callback\",outcome=\"shed\"} 0.0",
          "liangxian_admission_total{class=\"order-create\",outcome=\"shed\"} 0.0",
          "liangxian_admission_in_flight{class=\"lookup\"} 0.0");
      // on the HTTP panels as their route's, turned away: not as requests no route matched, nor among the route's answers
      assertThat(metrics).containsPattern("vertx_http_server_requests_total\\{code=\"503\",method=\"POST\",route=\"/api/v1/lookup \\(turned away\\)\"\\} 2\\.0")
          .doesNotContain("route=\"unmatched\"").doesNotContain("route=\"/api/v1/lookup\"");
    }
  }
}
