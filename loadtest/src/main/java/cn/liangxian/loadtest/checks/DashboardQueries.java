package cn.liangxian.loadtest.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every expression of every Grafana dashboard, evaluated by a real Prometheus that scraped the cluster
 * (its HTTP API, {@code /api/v1/query}): each must return data. A panel whose series do not exist,
 * or whose labels no longer match, shows "No data" and is caught here.
 *
 * <pre>java -cp ... cn.liangxian.loadtest.checks.DashboardQueries &lt;Prometheus URL&gt; &lt;dashboards folder&gt;</pre>
 */
public final class DashboardQueries {
  public record Outcome(String dashboard, String panel, String expr, int series, String error) {
    public boolean hasData() {
      return error == null && series > 0;
    }
  }

  private DashboardQueries() {}

  /**
   * (dashboard, panel title, expression) of every target of every panel; an expression with a template
   * variable ({@code $insurance}) once for each of the variable's values.
   */
  public static List<String[]> expressions(Path dir) throws IOException {
    List<String[]> out = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        JsonNode d = json.readTree(f.toFile());
        for (JsonNode panel : d.path("panels")) {
          for (JsonNode t : panel.path("targets")) {
            if (t.hasNonNull("expr")) {
              for (String expr : expanded(t.path("expr").asText(), d.path("templating").path("list"))) {
                out.add(new String[] {f.getFileName().toString(), panel.path("title").asText(), expr});
              }
            }
          }
        }
      }
    }
    return out;
  }

  /** The expression once per value of each template variable it names (a custom variable's comma-separated query). */
  static List<String> expanded(String expr, JsonNode variables) {
    List<String> out = List.of(expr);
    for (JsonNode v : variables) {
      String name = v.path("name").asText();
      if (name.isEmpty() || !(expr.contains("$" + name) || expr.contains("${" + name + "}"))) {
        continue;
      }
      List<String> values = v.path("query").asText("").isBlank() ? List.of(v.path("current").path("value").asText())
          : List.of(v.path("query").asText().split("\\s*,\\s*"));
      List<String> next = new ArrayList<>();
      for (String e : out) {
        for (String value : values) {
          next.add(e.replace("${" + name + "}", value).replace("$" + name, value));
        }
      }
      out = next;
    }
    return out;
  }

  public static Outcome evaluate(HttpClient http, String prometheus, String[] e) throws InterruptedException {
    // Grafana's own variables, as it would send them
    String expr = e[2].replace("$__rate_interval", "1m").replace("$__interval", "15s");
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(prometheus + "/api/v1/query?query="
          + URLEncoder.encode(expr, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      JsonNode body = new ObjectMapper().readTree(r.body());
      if (!"success".equals(body.path("status").asText())) {
        return new Outcome(e[0], e[1], e[2], 0, body.path("error").asText("HTTP " + r.statusCode()));
      }
      return new Outcome(e[0], e[1], e[2], body.path("data").path("result").size(), null);
    } catch (IOException x) {
      return new Outcome(e[0], e[1], e[2], 0, x.toString());
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: DashboardQueries <Prometheus URL> <dashboards folder>");
      System.exit(2);
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    List<Outcome> outcomes = new ArrayList<>();
    for (String[] e : expressions(Path.of(args[1]))) {
      outcomes.add(evaluate(http, args[0], e));
    }
    long empty = outcomes.stream().filter(o -> !o.hasData()).count();
    System.out.printf("dashboard check: %d expressions evaluated by Prometheus, %d with data, %d without%n", outcomes.size(),
        outcomes.size() - empty, empty);
    outcomes.stream().filter(o -> !o.hasData()).forEach(o -> System.out.printf("  NO DATA %s / %s: %s%s%n", o.dashboard(),
        o.panel(), o.expr(), o.error() == null ? "" : " (" + o.error() + ")"));
    System.exit(empty == 0 && !outcomes.isEmpty() ? 0 : 1);
  }
}
