package cn.liangxian.gateway.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Whoever looks households up without a kiosk's signature or a session may be trying names against numbers: the balancer
 * spreads such a caller over every instance, and the instances together grant its burst once, not once each.
 */
class AnonymousLimitAcrossInstancesTest {

  @Test
  void twoInstancesTogetherGrantAnAnonymousAddressOneBurstAndRefillAsOne() throws Exception {
    try (TestGateway a = Fixture.load(new TestGateway(Map.of("GATEWAY_ANONYMOUS_LOOKUP_BURST", "3",
        "GATEWAY_ANONYMOUS_LOOKUPS_PER_MINUTE", "6")));
        TestGateway b = TestGateway.beside(a)) {
      List<TestGateway> both = List.of(a, b);
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        statuses.add(lookup(both.get(i % 2)).statusCode()); // a, b, a, b, ...: the balancer's round robin
      }
      assertThat(statuses).containsExactly(200, 200, 200, 429, 429, 429);
      JsonObject refused = lookup(b).bodyAsJsonObject();
      assertThat(refused.getString("type")).endsWith("/rate-limited");
      assertThat(refused.getString("detail")).startsWith("查询太频繁，请");

      a.clock.advance(Duration.ofSeconds(10)); // 6 a minute: one token back, for the deployment
      assertThat(lookup(b).statusCode()).isEqualTo(200);
      assertThat(lookup(a).statusCode()).isEqualTo(429);

      // a logged-in resident on the same address is not held by the anonymous callers' limit
      assertThat(a.post("/api/v1/lookup", body(), "Authorization", a.bearer("resident-beside")).statusCode()).isEqualTo(200);
    }
  }

  static JsonObject body() {
    return new JsonObject().put("idNumber", Fixture.CHEN).put("name", "陈一");
  }

  static io.vertx.ext.web.client.HttpResponse<Buffer> lookup(TestGateway g) throws Exception {
    return g.http.post("/api/v1/lookup").putHeader("Content-Type", "application/json").sendBuffer(body().toBuffer())
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
