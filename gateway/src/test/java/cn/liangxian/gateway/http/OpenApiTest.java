package cn.liangxian.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.TestGateway;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The OpenAPI document and the routes the gateway serves agree, both ways. */
class OpenApiTest {

  @Test
  @SuppressWarnings("unchecked")
  void everyRouteIsDocumentedAndEveryDocumentedRouteAnswers() throws Exception {
    try (TestGateway g = new TestGateway()) {
      String doc = g.get("/openapi.yaml").bodyAsString();
      Map<String, Object> root = new Yaml().load(doc);
      assertThat(root.get("openapi")).isEqualTo("3.1.0");
      Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) root.get("paths");
      Set<String> documented = new TreeSet<>();
      paths.forEach((path, ops) -> ops.keySet().forEach(
          m -> documented.add(m.toUpperCase() + " " + path.replaceAll("\\{([^}]+)}", ":$1"))));

      assertThat(new TreeSet<>(g.gateway.servedRoutes())).isEqualTo(documented);
      // demo mode also serves the phone page that walks the mini-program flow against this API
      var demo = g.get("/demo/index.html");
      assertThat(demo.statusCode()).isEqualTo(200);
      assertThat(g.get("/demo/demo.js").bodyAsString()).contains("/api/v1/lookup", "/api/v1/orders", "/receipt");
      assertThat(g.get("/demo/sandbox.json").bodyAsJsonObject().getString("sandboxUrl")).startsWith("http://127.0.0.1:");
    }
  }

}
