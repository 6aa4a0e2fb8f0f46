package cn.liangxian.gateway.kiosk;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.channel.Crypto;
import cn.liangxian.channel.Pem;
import cn.liangxian.gateway.channel.Signing;
import cn.liangxian.gateway.http.Failures;
import cn.liangxian.gateway.lookup.Regions;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.gateway.support.WorkerWatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Kiosks sign every request with their own key; the gateway refuses anything else. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KioskAuthTest {
  static String TOKEN;
  TestGateway g;
  KeyPair p256;
  KeyPair sm2;

  @BeforeAll
  void start() throws Exception {
    g = Fixture.load(new TestGateway());
    TOKEN = g.adminToken();
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    p256 = ec.generateKeyPair();
    KeyPairGenerator gm = KeyPairGenerator.getInstance("EC", Crypto.BC);
    gm.initialize(new ECGenParameterSpec("sm2p256v1"));
    sm2 = gm.generateKeyPair();
    assertThat(register("K-371312-0001", p256).statusCode()).isEqualTo(201);
    assertThat(register("K-371312-0002", sm2).statusCode()).isEqualTo(201);
  }

  @AfterAll
  void stop() throws Exception {
    g.close();
  }

  HttpResponse<Buffer> register(String id, KeyPair key) throws Exception {
    return g.http.post("/api/v1/operator/kiosks").putHeader("Content-Type", "application/json")
        .putHeader("Authorization", "Bearer " + TOKEN)
        .sendBuffer(Buffer.buffer(new JsonObject().put("kioskId", id).put("publicKey", Pem.write(key.getPublic())).encode()))
        .toCompletionStage().toCompletableFuture().get();
  }

  /** A kiosk for a region no book serves here could look up no one: refused, naming the field, and nothing registered. */
  @Test
  void aKioskForARegionNotServedHereIsRefused() throws Exception {
    KeyPair key = java.security.KeyPairGenerator.getInstance("EC").generateKeyPair();
    HttpResponse<Buffer> r = g.http.post("/api/v1/operator/kiosks").putHeader("Content-Type", "application/json")
        .putHeader("Authorization", "Bearer " + TOKEN)
        .sendBuffer(Buffer.buffer(new JsonObject().put("kioskId", "K-999999-0002").put("publicKey", Pem.write(key.getPublic()))
            .put("regionCode", "999999").encode()))
        .toCompletionStage().toCompletableFuture().get();
    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(r.getHeader("Content-Type")).startsWith("application/problem+json");
    assertThat(r.bodyAsJsonObject().getString("type")).endsWith("region-not-served");
    assertThat(r.bodyAsJsonObject().getString("field")).isEqualTo("regionCode");
    try (java.sql.Connection c = g.db.connect(); java.sql.Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery("select count(*) from kiosk where id = 'K-999999-0002'")) {
      rs.next();
      assertThat(rs.getLong(1)).isZero();
    }
  }

  /**
   * A nonce may be replayed for up to 10 minutes after it was seen (a timestamp 5 minutes ahead, taken 5 minutes late):
   * the sweep keeps it 15, a margin for instances whose clocks disagree, and then lets it go.
   */
  @Test
  void aNonceIsKeptLongerThanItCouldBeReplayed() throws Exception {
    java.time.Instant now = g.clock.instant();
    String kept = nonce();
    String gone = nonce();
    try (Connection c = g.db.connect(); Statement st = c.createStatement()) {
      st.execute("insert into kiosk_nonce (kiosk_id, nonce, seen_at) values ('K-371312-0001', '" + kept + "', '"
          + now.minus(java.time.Duration.ofMinutes(11)) + "'), ('K-371312-0001', '" + gone + "', '"
          + now.minus(java.time.Duration.ofMinutes(16)) + "')");
    }
    cn.liangxian.gateway.support.Eventually.until("the nonce of 16 minutes ago pruned", () -> nonces(gone) == 0);
    assertThat(nonces(kept)).as("one of 11 minutes ago, still replayable where clocks differ").isOne();
  }

  long nonces(String nonce) throws Exception {
    try (Connection c = g.db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("select count(*) from kiosk_nonce where nonce = '" + nonce + "'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static String nonce() {
    byte[] b = new byte[16];
    ThreadLocalRandom.current().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** Signs as the kiosk agent does; {@code sent} may differ from {@code signed} to model tampering. */
  HttpResponse<Buffer> call(String kiosk, KeyPair key, String algorithm, String path, String signed, String sent, long skew,
      String nonce) throws Exception {
    return call(g.http, kiosk, key, algorithm, path, signed, sent, skew, nonce);
  }

  /** As {@link #call(String, KeyPair, String, String, String, String, long, String)}, to the server {@code http} calls. */
  HttpResponse<Buffer> call(WebClient http, String kiosk, KeyPair key, String algorithm, String path, String signed, String sent,
      long skew, String nonce) throws Exception {
    String ts = Long.toString(g.clock.instant().getEpochSecond() + skew);
    String message = String.join("\n", "LX-KIOSK-SIG-V1", kiosk, "POST", path, ts, nonce, KioskAuth.sha256(signed.getBytes(StandardCharsets.UTF_8)));
    String sig = Crypto.sign(algorithm, key.getPrivate(), message.getBytes(StandardCharsets.UTF_8));
    return http.post(path).putHeader("Content-Type", "application/json").putHeader("X-Kiosk-Id", kiosk)
        .putHeader("X-Kiosk-Timestamp", ts).putHeader("X-Kiosk-Nonce", nonce).putHeader("X-Kiosk-Signature", sig)
        .sendBuffer(Buffer.buffer(sent)).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  String lookupBody() {
    return new JsonObject().put("idNumber", Fixture.CHEN).put("name", "陈一").encode();
  }

  @Test
  void aSignedKioskIsServedAndEverythingElseIs401() throws Exception {
    String body = lookupBody();
    HttpResponse<Buffer> first = call("K-371312-0001", p256, "SHA256withECDSA", "/api/v1/lookup", body, body, 0, nonce());
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(200);
    assertThat(call("K-371312-0002", sm2, "SM3withSM2", "/api/v1/lookup", body, body, 0, nonce()).statusCode()).isEqualTo(200);

    String n = nonce();
    assertThat(call("K-371312-0001", p256, "SHA256withECDSA", "/api/v1/lookup", body, body, 0, n).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> replay = call("K-371312-0001", p256, "SHA256withECDSA", "/api/v1/lookup", body, body, 0, n);
    assertThat(replay.statusCode()).isEqualTo(401);
    assertThat(replay.bodyAsJsonObject().getString("developerDetail")).contains("nonce");

    assertThat(detail(call("K-UNKNOWN", p256, "SHA256withECDSA", "/api/v1/lookup", body, body, 0, nonce()))).contains("unknown kiosk");
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    assertThat(detail(call("K-371312-0001", ec.generateKeyPair(), "SHA256withECDSA", "/api/v1/lookup", body, body, 0, nonce())))
        .contains("does not verify");
    HttpResponse<Buffer> late = call("K-371312-0001", p256, "SHA256withECDSA", "/api/v1/lookup", body, body, -301, nonce());
    assertThat(detail(late)).contains("5 minutes");
    assertThat(late.bodyAsJsonObject().getLong("serverTime")).as("the gateway's time, to sign by")
        .isEqualTo(g.clock.instant().getEpochSecond());
    String other = new JsonObject().put("idNumber", Fixture.LI).put("name", "李四").encode();
    assertThat(detail(call("K-371312-0001", p256, "SHA256withECDSA", "/api/v1/lookup", body, other, 0, nonce())))
        .contains("does not verify");
    HttpResponse<Buffer> unsigned = g.http.post("/api/v1/lookup").putHeader("Content-Type", "application/json")
        .putHeader("X-Kiosk-Id", "K-371312-0001").sendBuffer(Buffer.buffer(body)).toCompletionStage().toCompletableFuture().get();
    assertThat(unsigned.statusCode()).isEqualTo(401);
    assertThat(unsigned.getHeader("Content-Type")).isEqualTo("application/problem+json");
  }

  @Test
  void heartbeatsRecordDeviceHealth() throws Exception {
    String hb = new JsonObject().put("kioskId", "K-371312-0001").put("at", "2019-12-15T02:00:00Z").put("reader", "ok")
        .put("printer", new JsonObject().put("state", "ok").put("paper", "low")).put("lastTransaction", "2019-12-15T01:58:12Z").encode();
    assertThat(call("K-371312-0001", p256, "SHA256withECDSA", "/api/v1/kiosks/heartbeat", hb, hb, 0, nonce()).statusCode()).isEqualTo(204);
    try (Connection c = g.db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("select reader, printer_state, paper, last_transaction is not null from kiosk where id = 'K-371312-0001'")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("ok");
      assertThat(rs.getString(2)).isEqualTo("ok");
      assertThat(rs.getString(3)).isEqualTo("low");
      assertThat(rs.getBoolean(4)).isTrue();
    }
    String lie = hb.replace("K-371312-0001", "K-371312-0002");
    assertThat(call("K-371312-0001", p256, "SHA256withECDSA", "/api/v1/kiosks/heartbeat", lie, lie, 0, nonce()).statusCode()).isEqualTo(400);
    assertThat(g.post("/api/v1/kiosks/heartbeat", new JsonObject(hb)).statusCode()).isEqualTo(401);
    assertThat(register("K-bad", p256).statusCode()).isEqualTo(201);
    assertThat(g.http.post("/api/v1/operator/kiosks").putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer("{}")).toCompletionStage().toCompletableFuture().get().statusCode()).isEqualTo(401);
  }

  /**
   * Receipts of paid orders a kiosk found unprinted at its restart, too late for anyone to be there to take them: the
   * heartbeat counts them (each once: the kiosk sends those the gateway has not taken yet), and says which kiosk.
   */
  @Test
  void receiptsAKioskLeftUnprintedAreCounted() throws Exception {
    double before = leftUnprinted();
    String hb = new JsonObject().put("kioskId", "K-371312-0001").put("reader", "ok")
        .put("printer", new JsonObject().put("state", "ok").put("paper", "ok")).put("receiptsLeftUnprinted", 2).encode();
    assertThat(call("K-371312-0001", p256, "SHA256withECDSA", "/api/v1/kiosks/heartbeat", hb, hb, 0, nonce()).statusCode()).isEqualTo(204);
    assertThat(leftUnprinted()).isEqualTo(before + 2);
    for (Object bad : new Object[] {"2", 1.5, 10_000_000_000L, new JsonObject()}) {
      String b = new JsonObject(hb).put("receiptsLeftUnprinted", bad).encode();
      HttpResponse<Buffer> r = call("K-371312-0001", p256, "SHA256withECDSA", "/api/v1/kiosks/heartbeat", b, b, 0, nonce());
      assertThat(r.statusCode()).as(b).isEqualTo(400);
      assertThat(r.bodyAsJsonObject().getString("field")).isEqualTo("receiptsLeftUnprinted");
    }
    assertThat(leftUnprinted()).isEqualTo(before + 2);
  }

  double leftUnprinted() throws Exception {
    return g.metrics().lines().filter(l -> l.startsWith("liangxian_kiosk_receipts_left_unprinted_total "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst().orElseThrow();
  }

  @Test
  void aHeartbeatWithAFieldOfTheWrongTypeOrFormIs400NamingItAndChangesNothing() throws Exception {
    String k = "K-371312-0001";
    // the field named, and a body wrong in it (a field may have more than one case)
    List<Map.Entry<String, String>> bad = new java.util.ArrayList<>();
    bad.add(Map.entry("printer.paper", "{\"kioskId\":\"" + k + "\",\"reader\":\"ok\",\"printer\":{\"state\":\"ok\",\"paper\":5}}"));
    bad.add(Map.entry("printer.state", "{\"kioskId\":\"" + k + "\",\"reader\":\"ok\",\"printer\":{\"state\":[],\"paper\":\"ok\"}}"));
    bad.add(Map.entry("reader", "{\"kioskId\":\"" + k + "\",\"reader\":{},\"printer\":{\"state\":\"ok\",\"paper\":\"ok\"}}"));
    bad.add(Map.entry("printer", "{\"kioskId\":\"" + k + "\",\"reader\":\"ok\",\"printer\":\"ok\"}"));
    bad.add(Map.entry("kioskId", "{\"kioskId\":5,\"reader\":\"ok\",\"printer\":{\"state\":\"ok\",\"paper\":\"ok\"}}"));
    bad.add(Map.entry("lastTransaction", "{\"kioskId\":\"" + k + "\",\"reader\":\"ok\",\"lastTransaction\":1576375092,\"printer\":{\"state\":\"ok\",\"paper\":\"ok\"}}"));
    bad.add(Map.entry("lastTransaction", "{\"kioskId\":\"" + k + "\",\"reader\":\"ok\",\"lastTransaction\":\"2019-12-15 09:58\",\"printer\":{\"state\":\"ok\",\"paper\":\"ok\"}}"));
    bad.add(Map.entry("at", "{\"kioskId\":\"" + k + "\",\"at\":\"yesterday\",\"reader\":\"ok\",\"printer\":{\"state\":\"ok\",\"paper\":\"ok\"}}"));
    bad.add(Map.entry("at", "{\"kioskId\":\"" + k + "\",\"at\":true,\"reader\":\"ok\",\"printer\":{\"state\":\"ok\",\"paper\":\"ok\"}}"));
    bad.add(Map.entry("receiptsLeftUnprinted", "{\"kioskId\":\"" + k + "\",\"reader\":\"ok\",\"receiptsLeftUnprinted\":-1,\"printer\":{\"state\":\"ok\",\"paper\":\"ok\"}}"));
    for (var e : bad) {
      String before = kioskRow(k);
      HttpResponse<Buffer> r = call(k, p256, "SHA256withECDSA", "/api/v1/kiosks/heartbeat", e.getValue(), e.getValue(), 0, nonce());
      assertThat(r.statusCode()).as(e.getKey() + ": " + r.bodyAsString()).isEqualTo(400);
      assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
      assertThat(r.bodyAsJsonObject().getString("field")).as(e.getKey()).isEqualTo(e.getKey());
      assertThat(kioskRow(k)).as(e.getKey()).isEqualTo(before);
    }
    // a time no collection concerns (a kiosk clock gone wrong when it journalled): the heartbeat counts, the time is not kept
    String far = "{\"kioskId\":\"" + k + "\",\"reader\":\"ok\",\"printer\":{\"state\":\"ok\",\"paper\":\"ok\"},"
        + "\"at\":\"1970-01-01T00:00:00Z\",\"lastTransaction\":\"+999999999-12-31T23:59:59Z\"}";
    String lastBefore = kioskRow(k).split("\\|", -1)[4];
    HttpResponse<Buffer> r = call(k, p256, "SHA256withECDSA", "/api/v1/kiosks/heartbeat", far, far, 0, nonce());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(204);
    assertThat(kioskRow(k).split("\\|", -1)[4]).isEqualTo(lastBefore);
    HttpResponse<Buffer> array = call(k, p256, "SHA256withECDSA", "/api/v1/kiosks/heartbeat", "[1,2]", "[1,2]", 0, nonce());
    assertThat(array.statusCode()).isEqualTo(400);
    assertThat(array.getHeader("Content-Type")).isEqualTo("application/problem+json");
  }

  String kioskRow(String id) throws Exception {
    try (Connection c = g.db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("select last_seen_at, reader, printer_state, paper, last_transaction from kiosk where id = '" + id + "'")) {
      rs.next();
      return rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getString(4) + "|" + rs.getString(5);
    }
  }

  static String heartbeat(String kiosk) {
    return new JsonObject().put("kioskId", kiosk).put("reader", "ok").put("printer", new JsonObject().put("state", "ok")
        .put("paper", "ok")).encode();
  }

  /**
   * The heartbeat's handlers alone behind a router of their own, the signing pool made on a watched Vert.x: every
   * signature check (and the read of a key from its PEM) is work of the pool, on its threads; a request refused by
   * its headers alone (unsigned, stale, a malformed nonce) gives the pool no work at all.
   */
  @Test
  void aKiosksSignatureIsCheckedOnTheSigningPoolNeverOnAnEventLoop() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      WorkerWatch watch = new WorkerWatch(vertx);
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      Signing signing = Signing.create(watch.vertx(), 1, registry);
      Pool pool = PgBuilder.pool().connectingTo(g.db.connectOptions(1)).using(vertx).build();
      KioskAuth auth = new KioskAuth(pool, g.clock, new KioskKeys(), registry, signing);
      KioskHandlers kiosks = new KioskHandlers(pool, auth, g.clock, registry, Regions.load(g.gateway.options(), g.clock));
      Router router = Router.router(vertx);
      router.post("/api/v1/kiosks/heartbeat").handler(BodyHandler.create(false)).handler(auth::handle).handler(kiosks::heartbeat);
      router.route().failureHandler(Failures::handle);
      HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").toCompletionStage()
          .toCompletableFuture().get(20, TimeUnit.SECONDS);
      WebClient http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(server.actualPort()));
      String path = "/api/v1/kiosks/heartbeat";
      String ecdsa = heartbeat("K-371312-0001");
      String gm = heartbeat("K-371312-0002");

      // the first request of each kiosk: its key read from the database, its PEM parsed and the signature checked in one
      // piece of work; the next one of the kiosk: the kept key's check alone
      assertThat(call(http, "K-371312-0001", p256, "SHA256withECDSA", path, ecdsa, ecdsa, 0, nonce()).statusCode()).isEqualTo(204);
      assertThat(watch.work()).hasSize(1);
      assertThat(call(http, "K-371312-0001", p256, "SHA256withECDSA", path, ecdsa, ecdsa, 0, nonce()).statusCode()).isEqualTo(204);
      assertThat(watch.work()).hasSize(2);
      assertThat(call(http, "K-371312-0002", sm2, "SM3withSM2", path, gm, gm, 0, nonce()).statusCode()).isEqualTo(204);
      assertThat(call(http, "K-371312-0002", sm2, "SM3withSM2", path, gm, gm, 0, nonce()).statusCode()).isEqualTo(204);
      assertThat(watch.work()).hasSize(4);

      // a forged signature: the kept key's check, then the database's key's, both on the pool; refused as ever
      KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
      ec.initialize(new ECGenParameterSpec("secp256r1"));
      HttpResponse<Buffer> forged = call(http, "K-371312-0001", ec.generateKeyPair(), "SHA256withECDSA", path, ecdsa, ecdsa, 0, nonce());
      assertThat(forged.statusCode()).isEqualTo(401);
      assertThat(forged.getHeader("Content-Type")).isEqualTo("application/problem+json");
      assertThat(forged.bodyAsJsonObject().getString("type")).endsWith("kiosk-unauthorized");
      assertThat(forged.bodyAsString()).contains("does not verify");
      assertThat(watch.work()).hasSize(6);
      // an SM2 kiosk's key checks SM2 signatures only: the same message signed by ECDSA with it is refused
      HttpResponse<Buffer> wrongKind = call(http, "K-371312-0002", sm2, "SHA256withECDSA", path, gm, gm, 0, nonce());
      assertThat(wrongKind.statusCode()).isEqualTo(401);
      assertThat(wrongKind.bodyAsString()).contains("does not verify");
      assertThat(watch.work()).hasSize(8);
      assertThat(watch.work()).as("every check on the signing pool's threads").allSatisfy(w -> {
        assertThat(w.onWorker()).isTrue();
        assertThat(w.thread()).startsWith(Signing.POOL_NAME);
        assertThat(w.outcome()).isNotInstanceOf(Throwable.class);
      });

      // junk is refused by its headers, before any signature is checked
      HttpResponse<Buffer> stale = call(http, "K-371312-0001", p256, "SHA256withECDSA", path, ecdsa, ecdsa, -301, nonce());
      assertThat(stale.statusCode()).isEqualTo(401);
      assertThat(stale.bodyAsString()).contains("5 minutes");
      HttpResponse<Buffer> badNonce = call(http, "K-371312-0001", p256, "SHA256withECDSA", path, ecdsa, ecdsa, 0, "not-a-nonce");
      assertThat(badNonce.statusCode()).isEqualTo(401);
      HttpResponse<Buffer> unsigned = http.post(path).putHeader("Content-Type", "application/json").putHeader("X-Kiosk-Id", "K-371312-0001")
          .sendBuffer(Buffer.buffer(ecdsa)).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      assertThat(unsigned.statusCode()).isEqualTo(401);
      assertThat(unsigned.bodyAsJsonObject().getString("type")).endsWith("kiosk-unauthorized");
      assertThat(watch.work()).as("no work for the pool").hasSize(8);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }

  /** The algorithm comes from the key as registered (read from its PEM): SM2 for the SM2 curve, ECDSA for any other. */
  @Test
  void theSignatureAlgorithmIsTheKeys() throws Exception {
    assertThat(KioskAuth.algorithm(Pem.publicKey(Pem.write(sm2.getPublic())))).isEqualTo("SM3withSM2");
    assertThat(KioskAuth.algorithm(sm2.getPublic())).isEqualTo("SM3withSM2");
    assertThat(KioskAuth.algorithm(Pem.publicKey(Pem.write(p256.getPublic())))).isEqualTo("SHA256withECDSA");
    KeyPairGenerator k1 = KeyPairGenerator.getInstance("EC", Crypto.BC);
    k1.initialize(new ECGenParameterSpec("secp256k1"));
    assertThat(KioskAuth.algorithm(Pem.publicKey(Pem.write(k1.generateKeyPair().getPublic())))).isEqualTo("SHA256withECDSA");
    assertThat(KioskAuth.algorithm(cn.liangxian.channel.Vectors.rsa().getPublic())).isEqualTo("SHA256withECDSA");
  }

  /**
   * A key no kiosk signs with (RSA, or EC on another curve) is refused at registration, naming publicKey: taken, it would
   * replace a working kiosk's key with one none of its requests could be verified by.
   */
  @Test
  void aKeyNoKioskSignsWithIsRefusedAndTheKioskKeepsItsOwn() throws Exception {
    KeyPairGenerator k1 = KeyPairGenerator.getInstance("EC", Crypto.BC);
    k1.initialize(new ECGenParameterSpec("secp256k1"));
    for (KeyPair wrong : new KeyPair[] {cn.liangxian.channel.Vectors.rsa(), k1.generateKeyPair()}) {
      HttpResponse<Buffer> r = register("K-371312-0001", wrong);
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
      assertThat(r.bodyAsJsonObject().getString("field")).isEqualTo("publicKey");
    }
    String hb = heartbeat("K-371312-0001");
    assertThat(call("K-371312-0001", p256, "SHA256withECDSA", "/api/v1/kiosks/heartbeat", hb, hb, 0, nonce()).statusCode())
        .as("still verified by its own key").isEqualTo(204);
  }

  /** The gateway checks its kiosks' signatures on its signing pool: each one counted as the pool's work. */
  @Test
  void theGatewayChecksKioskSignaturesOnItsSigningPool() throws Exception {
    double before = kioskChecks();
    String hb = heartbeat("K-371312-0001");
    assertThat(call("K-371312-0001", p256, "SHA256withECDSA", "/api/v1/kiosks/heartbeat", hb, hb, 0, nonce()).statusCode())
        .isEqualTo(204);
    assertThat(kioskChecks()).isGreaterThanOrEqualTo(before + 1);
  }

  double kioskChecks() throws Exception {
    return g.metrics().lines().filter(l -> l.startsWith("liangxian_channel_crypto_seconds_count{operation=\"kiosk-verify\"}"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(0);
  }

  static String detail(HttpResponse<Buffer> r) {
    assertThat(r.statusCode()).isEqualTo(401);
    // a resident-facing route: the resident reads Chinese, the English reason is kept for developers
    assertThat(r.bodyAsJsonObject().getString("title")).isEqualTo("本机暂不能办理");
    return r.bodyAsJsonObject().getString("developerDetail");
  }
}
