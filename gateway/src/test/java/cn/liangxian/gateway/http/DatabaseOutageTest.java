package cn.liangxian.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import cn.liangxian.gateway.Gateway;
import cn.liangxian.gateway.config.GatewayOptions;
import cn.liangxian.gateway.db.Database;
import cn.liangxian.gateway.lookup.Regions;
import cn.liangxian.gateway.support.LogCapture;
import cn.liangxian.gateway.support.MutableClock;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** With PostgreSQL gone, requests are refused as a passing outage (503, Retry-After), and logged once, not per request. */
class DatabaseOutageTest {
  @TempDir
  Path dir;


  @Test
  void whileTheDatabaseIsDownRequestsAre503WithRetryAfterAndTheOutageIsLoggedOnce() throws Exception {
    // a lookup reads the database whoever asks: anonymous callers' limit out of the way for these 21
    Map<String, String> env = TestGateway.ownDatabaseEnv(dir, Map.of("GATEWAY_ANONYMOUS_LOOKUP_BURST", "1000"));
    GatewayOptions options = TestGateway.options(env);
    MutableClock clock = new MutableClock(Instant.parse("2019-12-15T02:00:00Z"));
    Database own = Database.start(options); // an embedded server of its own, so that stopping it harms no other test
    ListAppender<ILoggingEvent> logs = LogCapture.appender();
    List<Logger> watched = List.of((Logger) LoggerFactory.getLogger(Failures.class), (Logger) LoggerFactory.getLogger(Outage.class));
    watched.forEach(l -> l.addAppender(logs));
    try (Gateway g = Gateway.start(options, env, clock, Regions.load(options, clock), own)) {
      HttpClient http = HttpClient.newHttpClient();
      URI lookup = URI.create("http://127.0.0.1:" + g.httpPort() + "/api/v1/lookup");
      HttpRequest unknown = HttpRequest.newBuilder(lookup).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("idNumber", TestGateway.id("371312", "1970-01-01", 999))
              .put("name", "无此人").encode())).build();
      assertThat(http.send(unknown, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
      own.close();
      for (int i = 0; i < 20; i++) {
        HttpResponse<String> r = http.send(unknown, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).contains("5");
        assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(new JsonObject(r.body()).getString("type")).endsWith("/unavailable");
        assertThat(r.body()).doesNotContain("Exception", "at io.");
      }
      // the balancer takes an instance without its database out of rotation
      HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.httpPort() + "/health/ready"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(new JsonObject(ready.body()).getString("database")).isEqualTo("unreachable");
    } finally {
      watched.forEach(l -> l.detachAppender(logs));
    }
    List<ILoggingEvent> errors = logs.list.stream().filter(e -> e.getLevel() == Level.ERROR).toList();
    assertThat(errors).as("one line per interval, not one per request").hasSizeLessThanOrEqualTo(1);
    assertThat(errors).allSatisfy(e -> assertThat(e.getThrowableProxy()).isNull());
  }
}
