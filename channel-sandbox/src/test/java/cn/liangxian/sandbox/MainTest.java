package cn.liangxian.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.channel.Pem;
import cn.liangxian.channel.agency.AgencyEnvelope;
import cn.liangxian.channel.wechat.WechatPayScheme;
import cn.liangxian.channel.wechat.WechatPaySignatures;
import cn.liangxian.sandbox.agency.AgencySimulator;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sandbox as a process of its own: the demo account's keys written where a gateway reads them, and they work. */
class MainTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2020-12-15T02:00:00Z"), ZoneOffset.UTC);

  @TempDir
  Path dir;

  /** A misspelt or unusable variable stops the sandbox with one line naming it, never a default taken in its place. */
  @Test
  void aMisspeltOrUnusableVariableIsRefusedByName() {
    assertThat(Main.refusal(Map.of("SANDBOX_PROT", "9000"))).isEqualTo("channel sandbox: environment: SANDBOX_PROT is not a"
        + " setting; accepted: SANDBOX_AGENCY_PORT, SANDBOX_AGENCY_SCHEME, SANDBOX_AGENCY_TRUST, SANDBOX_KEY_DIR, SANDBOX_PORT");
    assertThat(Main.refusal(Map.of("SANDBOX_KEYDIR", "/tmp/k"))).contains("SANDBOX_KEYDIR is not a setting");
    assertThat(Main.refusal(Map.of("SANDBOX_PORT", "80x"))).isEqualTo(
        "channel sandbox: SANDBOX_PORT: '80x' is not a port (0 to 65535; 0: any free port)");
    assertThat(Main.refusal(Map.of("SANDBOX_AGENCY_PORT", "0", "SANDBOX_AGENCY_TRUST", "k.pem", "SANDBOX_AGENCY_SCHEME", "SM3")))
        .contains("SANDBOX_AGENCY_SCHEME: 'SM3' is neither SM2 nor RSA");
    assertThat(Main.refusal(Map.of("SANDBOX_AGENCY_SCHEME", "RSA"))).contains("runs only with SANDBOX_AGENCY_PORT");
    assertThat(Main.refusal(Map.of("SANDBOX_AGENCY_PORT", "0"))).contains("needs SANDBOX_AGENCY_TRUST");
    assertThat(Main.refusal(Map.of("SANDBOX_PORT", "0", "SANDBOX_KEY_DIR", "k", "SANDBOX_AGENCY_PORT", "0",
        "SANDBOX_AGENCY_TRUST", "k.pem", "SANDBOX_AGENCY_SCHEME", "RSA", "PATH", "/bin"))).isNull();
    assertThat(Main.refusal(Map.of())).isNull();
  }

  @Test
  void writesTheKeysOfTheDemoAccountAndTheChannelsAndTheyWork() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Path keys = dir.resolve("sandbox-keys");
      ChannelSandbox sandbox = Main.start(vertx, CLOCK, 0, keys).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);

      assertThat(Pem.publicKey(Files.readString(keys.resolve("wechat-pay-public-key.pem"))))
          .isEqualTo(sandbox.wechatPlatformKey(WechatPayScheme.RSA));
      assertThat(Files.readString(keys.resolve("wechat-pay-public-key.serial")).strip()).isEqualTo(sandbox.wechatSerial());
      assertThat(Pem.publicKey(Files.readString(keys.resolve("alipay-public-key.pem")))).isEqualTo(sandbox.alipayPublicKey());
      assertThat(Pem.privateKey(Files.readString(keys.resolve("alipay-app-key.pem"))).getAlgorithm()).isEqualTo("RSA");
      assertThat(Files.readString(keys.resolve("wechat-apiv3.key")).strip()).matches("[a-z]{32}");
      assertThat(Main.banner(sandbox, keys)).contains("channel sandbox listening on port " + sandbox.port(), keys.toString());

      // the merchant's private keys are its owner's only, and nothing half-written is left beside them
      for (String secret : new String[] {"wechat-merchant-key.pem", "wechat-apiv3.key", "alipay-app-key.pem", "unionpay-sign-key.pem"}) {
        assertThat(Files.getPosixFilePermissions(keys.resolve(secret))).as(secret)
            .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      }
      try (var files = Files.list(keys)) {
        assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
      }
      // the merchant key on disk is the one the sandbox knows
      PrivateKey merchant = Pem.privateKey(Files.readString(keys.resolve("wechat-merchant-key.pem")));
      byte[] body = new JsonObject().put("appid", DemoMerchant.WECHAT_APP_ID).put("mchid", DemoMerchant.MCHID)
          .put("description", "城乡居民医疗保险 2021").put("out_trade_no", "MAIN0001")
          .put("notify_url", "http://127.0.0.1:9/notify")
          .put("amount", new JsonObject().put("total", 25000)).encode().getBytes(StandardCharsets.UTF_8);
      String authorization = WechatPaySignatures.authorization(WechatPayScheme.RSA, DemoMerchant.MCHID, "DEMO-MERCHANT-SERIAL",
          merchant, "POST", "/v3/pay/transactions/native", CLOCK.instant().getEpochSecond(), "0123456789ABCDEF", body);
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create(sandbox.baseUrl() + "/v3/pay/transactions/native")).header("Authorization", authorization)
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void theAgencySimulatorBelievesTheGatewaysKeyOnceItsFileIsThere() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Path keys = dir.resolve("keys");
      Path trust = dir.resolve("handoff-key.pub.pem");
      AgencySimulator agency = Main.startAgency(vertx, Clock.systemUTC(), 0, keys, trust, AgencyEnvelope.Scheme.SM2)
          .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      assertThat(Pem.publicKey(Files.readString(keys.resolve(Main.AGENCY_KEY)))).isEqualTo(agency.publicKey());

      KeyPair gateway = AgencyEnvelope.generate(AgencyEnvelope.Scheme.SM2);
      assertThat(post(agency, gateway)).as("the gateway's key is not there yet").isEqualTo(401);
      Files.writeString(trust, Pem.write(gateway.getPublic()));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      int status = post(agency, gateway);
      while (status != 200 && System.nanoTime() < deadline) {
        Thread.sleep(100); // the simulator looks for the file every second
        status = post(agency, gateway);
      }
      assertThat(status).isEqualTo(200);
      assertThat(agency.records()).containsOnlyKeys("R1");
      assertThat(agency.records().get("R1").getString("name")).isEqualTo("张三");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** One record posted as a gateway signs it; the HTTP status the simulator answers. */
  private static int post(AgencySimulator agency, KeyPair gateway) throws Exception {
    byte[] key = AgencyEnvelope.newKey();
    JsonObject record = new JsonObject().put("recordId", "R1").put("kind", "PAID").put("insurance", "medical").put("year", 2021)
        .put("orderId", "O1").put("idNumber", AgencyEnvelope.seal(key, "110101199003071234"))
        .put("name", AgencyEnvelope.seal(key, "张三"));
    byte[] body = new JsonObject().put("batchId", "B1").put("key", AgencyEnvelope.wrap(agency.publicKey(), key))
        .put("records", new JsonArray().add(record)).encode().getBytes(StandardCharsets.UTF_8);
    String ts = Long.toString(Instant.now().getEpochSecond());
    String nonce = java.util.UUID.randomUUID().toString();
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(agency.url("medical-test")))
        .header(AgencyEnvelope.TIMESTAMP, ts).header(AgencyEnvelope.NONCE, nonce)
        .header(AgencyEnvelope.SIGNATURE, AgencyEnvelope.sign(gateway.getPrivate(), ts, nonce, body))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
  }
}
