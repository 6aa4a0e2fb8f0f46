package cn.liangxian.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;
import org.junit.jupiter.api.Test;

class HttpServerMetersTest {
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final HttpServerMeters.Server server;

  HttpServerMetersTest() {
    HttpMetrics.histograms(registry);
    server = new HttpServerMeters.Server(registry, new java.util.concurrent.atomic.LongAdder());
  }

  void serve(String method, int code, String... routes) {
    HttpServerMeters.Request r = server.requestBegin(null, request(HttpMethod.valueOf(method)));
    for (String route : routes) {
      server.requestRouted(r, route);
    }
    server.responseEnd(r, response(code), 100);
  }

  double count(String route, String method, String code) {
    var c = registry.find("vertx.http.server.requests").tags("route", route, "method", method, "code", code).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void aRequestIsCountedAndTimedUnderTheLastRouteThatTookIt() {
    serve("POST", 200, "/api/v1/lookup");
    serve("POST", 200, "/api/v1/lookup");
    serve("GET", 401, "/api/v1/operator/*", null, "/api/v1/operator/me");
    assertThat(count("/api/v1/lookup", "POST", "200")).isEqualTo(2);
    assertThat(count("/api/v1/operator/me", "GET", "401")).isEqualTo(1);
    assertThat(registry.find("vertx.http.server.requests").tag("route", "/api/v1/operator/*").counter()).isNull();
    var time = registry.find("vertx.http.server.response.time").tags("route", "/api/v1/lookup", "code", "200").timer();
    assertThat(time).isNotNull();
    assertThat(time.count()).isEqualTo(2);
  }

  @Test
  void noRouteIsUnmatchedAndAMadeUpMethodIsOther() {
    serve("GET", 404);
    serve("MADEUP42", 405);
    serve("MADEUP43", 405);
    assertThat(count("unmatched", "GET", "404")).isEqualTo(1);
    assertThat(count("unmatched", "OTHER", "405")).isEqualTo(2);
    assertThat(registry.find("vertx.http.server.requests").meters()).hasSize(2);
    assertThat(server.kept()).as("made-up methods kept as one, not one each").isEqualTo(2);
  }

  @Test
  void openConnectionsOfEveryServerAreGaugedTogether() {
    HttpServerMeters meters = new HttpServerMeters(options -> new io.vertx.core.spi.metrics.VertxMetrics() {}, registry);
    HttpServerMeters.Server one = (HttpServerMeters.Server) meters.metrics(null).createHttpServerMetrics(null, null);
    HttpServerMeters.Server two = (HttpServerMeters.Server) meters.metrics(null).createHttpServerMetrics(null, null);
    one.connected(null, null);
    one.connected(null, null);
    two.connected(null, null);
    one.disconnected(null, null);
    assertThat(registry.get("vertx.http.server.active.connections").gauge().value()).isEqualTo(2);
  }

  static HttpRequest request(HttpMethod method) {
    return new HttpRequest() {
      public int id() {
        return 1;
      }

      public String uri() {
        return "/";
      }

      public String absoluteURI() {
        return "http://localhost/";
      }

      public HttpMethod method() {
        return method;
      }

      public MultiMap headers() {
        return MultiMap.caseInsensitiveMultiMap();
      }

      public SocketAddress remoteAddress() {
        return SocketAddress.inetSocketAddress(1, "127.0.0.1");
      }
    };
  }

  static HttpResponse response(int code) {
    return new HttpResponse() {
      public int statusCode() {
        return code;
      }

      public MultiMap headers() {
        return MultiMap.caseInsensitiveMultiMap();
      }
    };
  }
}
