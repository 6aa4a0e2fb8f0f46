package cn.liangxian.gateway.kiosk;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.channel.Crypto;
import cn.liangxian.channel.Pem;
import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Two instances on one database: a kiosk's replaced key is the only one either accepts, on every event loop. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KioskKeyChangeTest {
  static final String KIOSK = "K-371312-0042";
  // a connection per request: the requests spread over every event loop of an instance
  static final int REQUESTS = 2 * TestGateway.SEVERAL + 2;
  TestGateway a;
  TestGateway b;
  final Vertx vertx = Vertx.vertx();
  WebClient toA;
  WebClient toB;

  @BeforeAll
  void start() throws Exception {
    a = new TestGateway(TestGateway.SEVERAL_LOOPS);
    b = TestGateway.beside(a);
    toA = client(a);
    toB = client(b);
  }

  @AfterAll
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    b.close();
    a.close();
  }

  WebClient client(TestGateway g) {
    return WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(g.gateway.httpPort())
        .setKeepAlive(false));
  }

  @Test
  void aReplacedKeyIsRefusedByEveryInstanceAndTheNewOneAccepted() throws Exception {
    KeyPair old = keyPair();
    KeyPair replacement = keyPair();
    assertThat(register(old)).isEqualTo(201);
    assertThat(heartbeats(toA, old)).containsOnly(204);
    assertThat(heartbeats(toB, old)).containsOnly(204);

    assertThat(register(replacement)).isEqualTo(200);
    // in force everywhere once registered: the other instance, its announcement perhaps not heard yet, reads it
    assertThat(heartbeats(toB, replacement)).containsOnly(204);
    for (WebClient instance : List.of(toB, toA)) {
      Eventually.until("the old key refused everywhere", () -> heartbeats(instance, old), s -> s.stream().allMatch(c -> c == 401));
      assertThat(heartbeats(instance, replacement)).containsOnly(204);
    }
  }

  @Test
  void aKeyReplacedWhileAnInstanceCannotHearTheAnnouncementIsRefusedThereAllTheSame() throws Exception {
    KeyPair old = keyPair();
    KeyPair replacement = keyPair();
    assertThat(register(old)).isIn(200, 201);
    assertThat(heartbeats(toB, old)).containsOnly(204); // known to every loop of b
    // both instances' listening connections are lost and cannot come back for now; the pools still serve
    a.withListeningLost(2, () -> {
      assertThat(register(replacement)).isEqualTo(200); // announced to nobody
      assertThat(heartbeats(toB, old)).as("the replaced key at an instance that cannot hear").containsOnly(401);
      assertThat(heartbeats(toB, replacement)).containsOnly(204);
    });
  }

  int register(KeyPair key) throws Exception {
    return a.http.post("/api/v1/operator/kiosks").putHeader("Content-Type", "application/json")
        .putHeader("Authorization", "Bearer " + a.adminToken())
        .sendBuffer(Buffer.buffer(new JsonObject().put("kioskId", KIOSK).put("publicKey", Pem.write(key.getPublic())).encode()))
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS).statusCode();
  }

  /** The statuses of signed heartbeats, each on a new connection. */
  List<Integer> heartbeats(WebClient client, KeyPair key) throws Exception {
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      String body = new JsonObject().put("kioskId", KIOSK).put("at", "2019-12-15T02:00:00Z").put("reader", "ok")
          .put("printer", new JsonObject().put("state", "ok").put("paper", "ok")).encode();
      String path = "/api/v1/kiosks/heartbeat";
      String ts = Long.toString(a.clock.instant().getEpochSecond());
      String nonce = KioskAuthTest.nonce();
      String message = String.join("\n", KioskAuth.VERSION, KIOSK, "POST", path, ts, nonce,
          KioskAuth.sha256(body.getBytes(StandardCharsets.UTF_8)));
      String sig = Crypto.sign("SHA256withECDSA", key.getPrivate(), message.getBytes(StandardCharsets.UTF_8));
      statuses.add(client.post(path).putHeader("Content-Type", "application/json").putHeader("X-Kiosk-Id", KIOSK)
          .putHeader("X-Kiosk-Timestamp", ts).putHeader("X-Kiosk-Nonce", nonce).putHeader("X-Kiosk-Signature", sig)
          .sendBuffer(Buffer.buffer(body)).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS).statusCode());
    }
    return statuses;
  }

  static KeyPair keyPair() throws Exception {
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    return ec.generateKeyPair();
  }
}
