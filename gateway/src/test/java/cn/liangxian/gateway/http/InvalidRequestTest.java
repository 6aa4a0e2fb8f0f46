package cn.liangxian.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.LogCapture;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Requests refused by the HTTP decoder, below the router, are problem+json too. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InvalidRequestTest {
  TestGateway g;

  @BeforeAll
  void start() throws Exception {
    g = new TestGateway();
  }

  @AfterAll
  void stop() throws Exception {
    g.close();
  }

  /** Sends raw bytes and reads the answer until the server closes the connection. */
  String raw(String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", g.gateway.httpPort())) {
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  void assertProblem(String answer, int status, String slug) {
    // a request line too long to read has no version: the answer is then HTTP/1.0
    assertThat(answer.substring(0, answer.indexOf("\r\n"))).as(answer).matches("HTTP/1\\.[01] " + status + " .*");
    assertThat(answer.toLowerCase()).contains("content-type: application/problem+json");
    JsonObject p = new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4));
    assertThat(p.getInteger("status")).isEqualTo(status);
    assertThat(p.getString("type")).endsWith("/" + slug);
    assertThat(answer).doesNotContain("Exception", "\tat ");
  }

  @Test
  void aTooLongUriIs414() throws Exception {
    assertProblem(raw("GET /api/v1/orders/" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n"), 414, "uri-too-long");
  }

  @Test
  void tooLargeHeadersAre431() throws Exception {
    assertProblem(raw("GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(10_000) + "\r\n\r\n"), 431, "headers-too-large");
  }

  @Test
  void aBadPercentEscapeInThePathOrQueryIs400AndAResidentReadsChinese() throws Exception {
    for (String target : new String[] {"/api/v1/orders/%ZZ", "/api/v1/orders/" + java.util.UUID.randomUUID() + "?waitSeconds=%ZZ"}) {
      String answer = raw("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertProblem(answer, 400, "bad-request");
      assertThat(ResidentTexts.chinese(new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4)).getString("detail"))).isTrue();
    }
    assertProblem(raw("GET /api/v1/operator/audit?x=%ZZ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 400, "bad-request");
  }

  @Test
  void aChunkSizeThatIsNotHexadecimalIsTheCallersMistakeNotOurs() throws Exception {
    ch.qos.logback.classic.LoggerContext lc = (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> events = LogCapture.appender();
    ch.qos.logback.classic.Logger root = lc.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ch.qos.logback.classic.Logger access = lc.getLogger(AccessLog.class);
    ch.qos.logback.classic.Level accessLevel = access.getLevel();
    access.setLevel(ch.qos.logback.classic.Level.INFO);
    root.addAppender(events);
    try {
      // the framing is broken: Vert.x closes the connection, there being no telling where a next request would start
      String answer = raw("POST /api/v1/lookup HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n");
      assertThat(answer).doesNotContain(" 500 ", "Exception");
      cn.liangxian.gateway.support.Eventually.until("the request in the access log", () -> List.copyOf(events.list),
          l -> l.stream().anyMatch(e -> e.getLoggerName().equals(AccessLog.class.getName())
              && e.getFormattedMessage().startsWith("POST ")));
    } finally {
      root.detachAppender(events);
      access.setLevel(accessLevel);
    }
    assertThat(events.list).filteredOn(e -> e.getLoggerName().equals(AccessLog.class.getName())
        && e.getFormattedMessage().startsWith("POST ")).singleElement()
        .satisfies(e -> assertThat(e.getFormattedMessage()).contains(" 400 "));
    assertThat(events.list).noneMatch(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.ERROR));
  }

  @Test
  void aMalformedRequestIs400() throws Exception {
    assertProblem(raw("GET /health/live HTTP/1.1\r\nHost: x\r\nContent-Length: lots\r\n\r\n"), 400, "malformed-request");
  }
}
