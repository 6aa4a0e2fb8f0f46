package cn.liangxian.gateway.order;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.sandbox.fault.HeldCall;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A kiosk sends its order again (its first request timed out on its side) while the channel is still making the
 * first one's QR code: it is told to try again shortly, never handed an order with nothing to scan.
 */
class RepeatWhilePrepayingTest {
  @Test
  void aRepeatWhileTheChannelIsStillPreparingThePaymentIsARetryableConflictNotAnOrderWithoutIt() throws Exception {
    try (TestGateway g = Fixture.load(new TestGateway())) {
      JsonObject body = TestGateway.unpaidMedicalOrder(g.lookup(Fixture.ZHANG, "张三"), "wechat", "qr");
      String key = UUID.randomUUID().toString();
      String bearer = g.bearer("repeating-kiosk");
      HeldCall prepay = g.gateway.demo().sandbox().holdNext("POST /v3/pay/transactions/native");
      try {
        CompletableFuture<HttpResponse<Buffer>> first = CompletableFuture.supplyAsync(() -> {
          try {
            return g.post("/api/v1/orders", body, "Idempotency-Key", key, "Authorization", bearer);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        prepay.arrived().get(30, TimeUnit.SECONDS);

        HttpResponse<Buffer> repeat = g.post("/api/v1/orders", body, "Idempotency-Key", key, "Authorization", bearer);
        assertThat(repeat.statusCode()).as(repeat.bodyAsString()).isEqualTo(409);
        assertThat(repeat.getHeader("Content-Type")).startsWith("application/problem+json");
        assertThat(repeat.getHeader("Retry-After")).isNotBlank();
        assertThat(repeat.bodyAsJsonObject().getString("type")).endsWith("/order-being-prepared");

        prepay.release();
        HttpResponse<Buffer> made = first.get(30, TimeUnit.SECONDS);
        assertThat(made.statusCode()).as(made.bodyAsString()).isEqualTo(201);
        assertThat(made.bodyAsJsonObject().getJsonObject("payment").getString("codeUrl")).isNotBlank();
        HttpResponse<Buffer> again = g.post("/api/v1/orders", body, "Idempotency-Key", key, "Authorization", bearer);
        assertThat(again.statusCode()).as(again.bodyAsString()).isEqualTo(200);
        assertThat(again.bodyAsJsonObject().getString("id")).isEqualTo(made.bodyAsJsonObject().getString("id"));
        assertThat(again.bodyAsJsonObject().getJsonObject("payment")).isEqualTo(made.bodyAsJsonObject().getJsonObject("payment"));
      } finally {
        prepay.release();
      }
    }
  }
}
