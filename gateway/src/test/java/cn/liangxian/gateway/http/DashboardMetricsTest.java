package cn.liangxian.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.channel.Crypto;
import cn.liangxian.channel.Pem;
import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A scripted flow, then every metric named in every dashboard query must be on /metrics: no dead panels. */
class DashboardMetricsTest {
  static final Pattern METRIC = Pattern.compile("\\b((?:liangxian|vertx)_[a-z0-9_]+)");
  static String TOKEN;

  @Test
  void everyDashboardQueryNamesAMetricTheGatewayExports() throws Exception {
    // admission's limits following latency, as shipped, so that their gauge is exported too
    try (TestGateway g = Fixture.load(new TestGateway(Map.of("GATEWAY_ADMISSION_LATENCY_TARGET_MILLIS", "500")))) {
      TOKEN = g.adminToken();
      script(g);
      String scraped = g.get("/metrics").bodyAsString();
      Set<String> exported = new TreeSet<>();
      scraped.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).forEach(l -> exported.add(l.split("[{ ]", 2)[0]));

      Set<String> named = new TreeSet<>();
      Path dir = TestGateway.repo().resolve("config/grafana/dashboards");
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
          JsonNode d = new ObjectMapper().readTree(f.toFile());
          assertThat(d.path("panels")).as(f.toString()).isNotEmpty();
          for (JsonNode p : d.path("panels")) {
            for (JsonNode t : p.path("targets")) {
              Matcher m = METRIC.matcher(t.path("expr").asText());
              while (m.find()) {
                named.add(m.group(1));
              }
            }
          }
        }
      }
      assertThat(named).hasSizeGreaterThan(8);
      assertThat(exported).as("metrics named by dashboards but not exported").containsAll(named);

      Set<String> alerted = new TreeSet<>();
      Matcher m = METRIC.matcher(Files.readString(TestGateway.repo().resolve("config/prometheus/alerts.yml")));
      while (m.find()) {
        alerted.add(m.group(1));
      }
      assertThat(alerted).contains("liangxian_refunds_open_oldest_seconds");
      assertThat(exported).as("metrics named by alert rules but not exported").containsAll(alerted);
    }
  }


  /** Lookups, a paid order, an expired one, a refused callback, a kiosk heartbeat. */
  static void script(TestGateway g) throws Exception {
    JsonObject h = g.lookup(Fixture.CHEN, "陈一");
    JsonObject body = new JsonObject().put("householdRef", h.getJsonObject("household").getString("ref")).put("channel", "wechat")
        .put("mode", "qr").put("items", new JsonArray().add(new JsonObject()
            .put("memberRef", h.getJsonArray("members").getJsonObject(0).getString("ref")).put("insurance", "medical").put("year", 2020)));
    var created = g.post("/api/v1/orders", body, "Idempotency-Key", UUID.randomUUID().toString());
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    JsonObject o = created.bodyAsJsonObject();
    g.gateway.demo().sandbox().pay(o.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get();
    g.awaitState(o.getString("id"), "PAID"); // paid before the clock moves: this one does not expire
    JsonObject liu = g.lookup(Fixture.LIU1, "刘一");
    JsonArray items = new JsonArray();
    liu.getJsonArray("members").forEach(m -> items.add(new JsonObject().put("memberRef", ((JsonObject) m).getString("ref"))
        .put("insurance", "medical").put("year", 2020)));
    // every member: medical is paid per household here, one member alone is refused and nothing would expire
    var unpaid = g.post("/api/v1/orders", new JsonObject().put("householdRef", liu.getJsonObject("household").getString("ref"))
        .put("channel", "alipay").put("mode", "qr").put("items", items), "Idempotency-Key", UUID.randomUUID().toString());
    assertThat(unpaid.statusCode()).as(unpaid.bodyAsString()).isEqualTo(201);
    g.clock.advance(Duration.ofMinutes(16));
    g.http.post("/api/v1/callbacks/wechatpay").putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer("{}"))
        .toCompletionStage().toCompletableFuture().get();
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair kiosk = ec.generateKeyPair();
    g.http.post("/api/v1/operator/kiosks").putHeader("Content-Type", "application/json").putHeader("Authorization", "Bearer " + TOKEN)
        .sendBuffer(Buffer.buffer(new JsonObject().put("kioskId", "K-1").put("publicKey", Pem.write(kiosk.getPublic())).encode()))
        .toCompletionStage().toCompletableFuture().get();
    String hb = new JsonObject().put("kioskId", "K-1").put("reader", "ok").put("printer", new JsonObject().put("state", "ok").put("paper", "ok")).encode();
    String ts = Long.toString(g.clock.instant().getEpochSecond());
    String nonce = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(ts.getBytes()));
    String msg = String.join("\n", "LX-KIOSK-SIG-V1", "K-1", "POST", "/api/v1/kiosks/heartbeat", ts, nonce,
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(hb.getBytes(StandardCharsets.UTF_8))));
    assertThat(g.http.post("/api/v1/kiosks/heartbeat").putHeader("Content-Type", "application/json").putHeader("X-Kiosk-Id", "K-1")
        .putHeader("X-Kiosk-Timestamp", ts).putHeader("X-Kiosk-Nonce", nonce)
        .putHeader("X-Kiosk-Signature", Crypto.sign("SHA256withECDSA", kiosk.getPrivate(), msg.getBytes(StandardCharsets.UTF_8)))
        .sendBuffer(Buffer.buffer(hb)).toCompletionStage().toCompletableFuture().get().statusCode()).isEqualTo(204);
    // counted after the transactions commit, and the progress gauges after their first refresh: wait for all three
    List<String> awaited = List.of("liangxian_payments_total", "event=\"expired\"", "liangxian_progress_paid");
    Eventually.until("the payment, the expiry and the progress on /metrics", () -> {
      String m = g.metrics();
      return awaited.stream().filter(s -> !m.contains(s)).toList();
    }, List::isEmpty);
  }
}
