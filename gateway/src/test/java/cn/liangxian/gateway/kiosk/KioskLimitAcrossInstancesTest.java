package cn.liangxian.gateway.kiosk;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.channel.Crypto;
import cn.liangxian.channel.Pem;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A kiosk's lookup limit holds for the deployment: two instances together grant its burst once, not twice. */
class KioskLimitAcrossInstancesTest {
  static final String KIOSK = "K-320682-0007";

  @Test
  void twoInstancesTogetherGrantOneBurstAndRefillAsOne() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (TestGateway a = Fixture.load(new TestGateway(Map.of("GATEWAY_LOOKUP_BURST", "3", "GATEWAY_LOOKUPS_PER_MINUTE", "6")));
        TestGateway b = TestGateway.beside(a)) {
      KeyPair key = KioskKeyChangeTest.keyPair();
      int registered = a.http.post("/api/v1/operator/kiosks").putHeader("Content-Type", "application/json")
          .putHeader("Authorization", "Bearer " + a.adminToken())
          .sendBuffer(Buffer.buffer(new JsonObject().put("kioskId", KIOSK).put("publicKey", Pem.write(key.getPublic())).encode()))
          .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS).statusCode();
      assertThat(registered).isEqualTo(201);
      List<WebClient> both = List.of(client(vertx, a), client(vertx, b));

      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        statuses.add(lookup(both.get(i % 2), a, key)); // a, b, a, b, ...: the balancer's round robin
      }
      assertThat(statuses).containsExactly(200, 200, 200, 429, 429, 429);

      a.clock.advance(Duration.ofSeconds(10)); // 6 a minute: one token back
      assertThat(lookup(both.get(1), a, key)).isEqualTo(200);
      assertThat(lookup(both.get(0), a, key)).isEqualTo(429);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  static WebClient client(Vertx vertx, TestGateway g) {
    return WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(g.gateway.httpPort()));
  }

  /** A lookup signed by the kiosk; its status. */
  static int lookup(WebClient client, TestGateway g, KeyPair key) throws Exception {
    String body = new JsonObject().put("idNumber", Fixture.CHEN).put("name", "陈一").encode();
    String path = "/api/v1/lookup";
    String ts = Long.toString(g.clock.instant().getEpochSecond());
    String nonce = KioskAuthTest.nonce();
    String message = String.join("\n", KioskAuth.VERSION, KIOSK, "POST", path, ts, nonce,
        KioskAuth.sha256(body.getBytes(StandardCharsets.UTF_8)));
    String sig = Crypto.sign("SHA256withECDSA", key.getPrivate(), message.getBytes(StandardCharsets.UTF_8));
    return client.post(path).putHeader("Content-Type", "application/json").putHeader("X-Kiosk-Id", KIOSK)
        .putHeader("X-Kiosk-Timestamp", ts).putHeader("X-Kiosk-Nonce", nonce).putHeader("X-Kiosk-Signature", sig)
        .sendBuffer(Buffer.buffer(body)).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS).statusCode();
  }
}
