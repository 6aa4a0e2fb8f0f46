package cn.liangxian.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;

/** A NUL character in a query or path is the caller's mistake: 400, never the database's refusal as a 503. */
class NulInAddressTest {

  @Test
  void aNulInAQueryParameterOrPathIs400BeforeAnySql() throws Exception {
    try (TestGateway g = Fixture.load(new TestGateway())) {
      String token = g.adminToken();
      HttpResponse<Buffer> posting = g.http.get("/api/v1/operator/postings/371312/medical?township=%00&village=%E6%B1%A4%E5%A4%B4%E6%9D%91")
          .putHeader("Authorization", "Bearer " + token).send().toCompletionStage().toCompletableFuture().get();
      assertThat(posting.statusCode()).as(posting.bodyAsString()).isEqualTo(400);
      assertThat(posting.getHeader("Content-Type")).isEqualTo("application/problem+json");
      assertThat(posting.bodyAsJsonObject().getString("type")).endsWith("/invalid-request");
      HttpResponse<Buffer> order = g.get("/api/v1/orders/abc%00def");
      assertThat(order.statusCode()).as(order.bodyAsString()).isEqualTo(400);
    }
  }
}
