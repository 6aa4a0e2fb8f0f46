package cn.liangxian.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.TestGateway;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What panels count means what their titles say, read off the exported series as Prometheus would select them. */
class DashboardMeaningTest {
  private static final Pattern SERIES = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern SELECTOR = Pattern.compile("rate\\(([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)})?\\[");

  @Test
  void kioskRequestsRefusedCountsRefusedKioskRequestsOnly() throws Exception {
    String expr = panelExpression("kiosks.json", "Kiosk requests refused");
    try (TestGateway g = new TestGateway()) {
      // a forged callback and a failed operator login are refused too, but they are no kiosk's
      var forged = g.http.post("/api/v1/callbacks/wechatpay").putHeader("Content-Type", "application/json")
          .putHeader("Wechatpay-Serial", "forged").sendBuffer(Buffer.buffer("{\"id\":\"x\"}"))
          .toCompletionStage().toCompletableFuture().get();
      assertThat(forged.statusCode()).isEqualTo(401);
      assertThat(g.post("/api/v1/operator/login", new JsonObject().put("username", "admin").put("password", "wrong-guess"))
          .statusCode()).isEqualTo(401);
      // a kiosk request without its signature
      var unsigned = g.http.post("/api/v1/lookup").putHeader("Content-Type", "application/json").putHeader("X-Kiosk-Id", "K-404")
          .sendBuffer(Buffer.buffer("{\"idNumber\":\"110101199003074514\",\"name\":\"张三\"}")).toCompletionStage().toCompletableFuture().get();
      assertThat(unsigned.statusCode()).isEqualTo(401);
      // Vert.x counts a request once its answer is written: wait until all three are in
      Eventually.until("three 401s counted", g::metrics, m -> select(m, "vertx_http_server_requests_total", "code=\"401\"") >= 3);
      assertThat(select(g.metrics(), selector(expr)[0], selector(expr)[1])).isEqualTo(1.0);
    }
  }

  @Test
  void everyRouteLabelNamesOneRoute() throws Exception {
    try (TestGateway g = new TestGateway()) {
      String token = g.adminToken();
      var me = g.http.get("/api/v1/operator/me").putHeader("Authorization", "Bearer " + token).send()
          .toCompletionStage().toCompletableFuture().get();
      assertThat(me.statusCode()).isEqualTo(200);
      assertThat(g.get("/api/v1/operator/audit").statusCode()).isEqualTo(401);
      assertThat(g.get("/no/such/page").statusCode()).isEqualTo(404);
      assertThat(g.get("/health/ready").statusCode()).isEqualTo(200);
      String metrics = Eventually.until("the 404 counted", g::metrics,
          m -> select(m, "vertx_http_server_requests_total", "code=\"404\"") >= 1);
      List<String> routes = labelValues(metrics, "vertx_http_server_requests_total", "route");
      assertThat(routes).contains("/api/v1/operator/me", "/api/v1/operator/login", "/health/ready", "unmatched");
      assertThat(routes).allSatisfy(r -> assertThat(r).isNotEmpty().doesNotContain(">"));
    }
  }

  /** The expression of the panel with this title. */
  static String panelExpression(String dashboard, String title) throws Exception {
    JsonNode d = new ObjectMapper().readTree(Files.readString(TestGateway.repo().resolve("config/grafana/dashboards").resolve(dashboard)));
    for (JsonNode panel : d.path("panels")) {
      if (panel.path("title").asText().equals(title)) {
        return panel.path("targets").get(0).path("expr").asText();
      }
    }
    throw new AssertionError("no panel '" + title + "' in " + dashboard);
  }

  /** The metric name and label matchers of the expression's one rate(...) selector. */
  static String[] selector(String expr) {
    Matcher m = SELECTOR.matcher(expr);
    assertThat(m.find()).as("a rate(...) selector in %s", expr).isTrue();
    return new String[] {m.group(1), m.group(3) == null ? "" : m.group(3)};
  }

  /** The sum of the series of this name whose labels match every {@code name="value"} matcher given. */
  static double select(String metrics, String name, String matchers) {
    Map<String, String> wanted = labels(matchers);
    double sum = 0;
    for (String line : metrics.lines().toList()) {
      Matcher m = SERIES.matcher(line);
      if (m.matches() && m.group(1).equals(name) && labels(m.group(3)).entrySet().containsAll(wanted.entrySet())) {
        sum += Double.parseDouble(m.group(4));
      }
    }
    return sum;
  }

  static List<String> labelValues(String metrics, String name, String label) {
    List<String> out = new ArrayList<>();
    for (String line : metrics.lines().toList()) {
      Matcher m = SERIES.matcher(line);
      if (m.matches() && m.group(1).equals(name)) {
        out.add(labels(m.group(3)).getOrDefault(label, ""));
      }
    }
    return out.stream().distinct().collect(Collectors.toList());
  }

  private static Map<String, String> labels(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    if (text != null) {
      Matcher m = LABEL.matcher(text);
      while (m.find()) {
        out.put(m.group(1), m.group(2));
      }
    }
    return out;
  }
}
