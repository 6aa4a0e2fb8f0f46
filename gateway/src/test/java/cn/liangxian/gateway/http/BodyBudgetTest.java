package cn.liangxian.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.LogCapture;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * Large bodies cost memory only for a logged-in operator, and within the process's budget: an upload
 * without a session is refused before its body is read, and a body beyond the budget is refused
 * before a byte of it is read.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BodyBudgetTest {
  TestGateway g;

  @BeforeAll
  void start() throws Exception {
    g = new TestGateway(Map.of("GATEWAY_BODIES_IN_FLIGHT_MIB", "1"));
  }

  @AfterAll
  void stop() throws Exception {
    g.close();
  }

  static String uploadHead(String token, long length) {
    return "POST /api/v1/operator/rosters HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nContent-Length: " + length + "\r\n"
        + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "\r\n";
  }

  /** The status line, headers and body of the next answer on this connection. */
  static String answer(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
    }
    String h = head.toString(StandardCharsets.ISO_8859_1);
    var m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(h);
    byte[] body = m.find() ? in.readNBytes(Integer.parseInt(m.group(1))) : new byte[0];
    return h + new String(body, StandardCharsets.UTF_8);
  }

  static void assertProblem(String answer, int status, String slug) {
    assertThat(answer).as(answer).startsWith("HTTP/1.1 " + status + " ");
    assertThat(answer.toLowerCase()).contains("content-type: application/problem+json");
    JsonObject p = new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4));
    assertThat(p.getString("type")).endsWith("/" + slug);
  }

  long bodiesHeld() throws Exception {
    String metrics = g.http.get("/metrics").send().toCompletionStage().toCompletableFuture().get().bodyAsString();
    return metrics.lines().filter(l -> l.startsWith("liangxian_request_bodies_bytes "))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst().orElse(-1);
  }

  @Test
  void anUploadWithoutASessionIsRefusedBeforeItsBodyIsSent() throws Exception {
    try (Socket s = new Socket("127.0.0.1", g.gateway.httpPort())) {
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      // 60 MB announced, 1 KB sent: the answer must not wait for the rest
      out.write(uploadHead(null, 60_000_000).getBytes(StandardCharsets.ISO_8859_1));
      out.write(new byte[1024]);
      out.flush();
      assertProblem(answer(s.getInputStream()), 401, "operator-unauthorized");
    }
    assertThat(bodiesHeld()).isZero();
  }

  @Test
  void aCallbackIsReadEvenWhileTheBudgetIsSpent() throws Exception {
    String token = g.adminToken();
    try (Socket upload = new Socket("127.0.0.1", g.gateway.httpPort())) {
      upload.setSoTimeout(20_000);
      // all but a few hundred bytes of the budget held by an upload still arriving
      upload.getOutputStream().write(uploadHead(token, 1_048_000).getBytes(StandardCharsets.ISO_8859_1));
      upload.getOutputStream().write("region_code,township\n".getBytes(StandardCharsets.UTF_8));
      upload.getOutputStream().flush();
      Eventually.until("the upload's body reserved", this::bodiesHeld, n -> n == 1_048_000);
      // a notification (here one without its signature headers) is read and answered as such, never turned away for load
      byte[] body = ("{\"id\":\"EV-1\",\"summary\":\"" + "x".repeat(1000) + "\"}").getBytes(StandardCharsets.UTF_8);
      try (Socket callback = new Socket("127.0.0.1", g.gateway.httpPort())) {
        callback.setSoTimeout(20_000);
        OutputStream out = callback.getOutputStream();
        out.write(("POST /api/v1/callbacks/wechatpay HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
            + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
        assertThat(answer(callback.getInputStream())).startsWith("HTTP/1.1 401 ");
      }
    }
    Eventually.until("the budget given back", this::bodiesHeld, n -> n == 0);
  }

  @Test
  void aBodyBeyondTheBudgetIsRefusedAtOnceAndTheBudgetComesBackWhenTheConnectionGoes() throws Exception {
    String token = g.adminToken();
    try (Socket first = new Socket("127.0.0.1", g.gateway.httpPort())) {
      first.setSoTimeout(20_000);
      first.getOutputStream().write(uploadHead(token, 700_000).getBytes(StandardCharsets.ISO_8859_1));
      first.getOutputStream().write("region_code,township\n".getBytes(StandardCharsets.UTF_8));
      first.getOutputStream().flush();
      Eventually.until("the first upload's body reserved", this::bodiesHeld, n -> n == 700_000);
      try (Socket second = new Socket("127.0.0.1", g.gateway.httpPort())) {
        second.setSoTimeout(20_000);
        second.getOutputStream().write(uploadHead(token, 700_000).getBytes(StandardCharsets.ISO_8859_1));
        second.getOutputStream().flush();
        String a = answer(second.getInputStream());
        assertProblem(a, 503, "bodies-busy");
        assertThat(a.toLowerCase()).contains("retry-after: ");
      }
    }
    Eventually.until("the budget given back", this::bodiesHeld, n -> n == 0);
    // an ordinary API body is read again
    var r = g.post("/api/v1/lookup", new JsonObject().put("idNumber", "371312196205108490").put("name", "某某"));
    assertThat(r.statusCode()).isIn(200, 404);
  }

  /**
   * A caller whose connection is reset while its body is still arriving (a phone losing its network, an upload cut
   * off) is nothing of ours that failed: no 500, no error logged, and it is not taken for the database's outage
   * (the same "Connection reset", raised in the same read loop, is one when it comes from PostgreSQL).
   */
  @Test
  void aCallerResetMidBodyIsAnAbandonedRequestNotAnErrorOrAnOutage() throws Exception {
    ListAppender<ILoggingEvent> logs = LogCapture.appender();
    Logger access = (Logger) LoggerFactory.getLogger(AccessLog.class);
    Level accessLevel = access.getLevel();
    access.setLevel(Level.INFO);
    List<Logger> watched = List.of((Logger) LoggerFactory.getLogger(Failures.class), (Logger) LoggerFactory.getLogger(Outage.class),
        access);
    watched.forEach(l -> l.addAppender(logs));
    String token = g.adminToken();
    try {
      String lookup = "POST /api/v1/lookup HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 300\r\n\r\n";
      for (String head : new String[] {lookup, uploadHead(token, 700_000)}) {
        // the reset request's own line, not the lines of the test's /metrics reads meanwhile
        long before = logs.list.stream().filter(e -> e.getLoggerName().equals(AccessLog.class.getName())
            && e.getFormattedMessage().startsWith("POST ")).count();
        try (Socket s = new Socket("127.0.0.1", g.gateway.httpPort())) {
          s.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
          s.getOutputStream().write("{\"idNumber\":".getBytes(StandardCharsets.UTF_8));
          s.getOutputStream().flush();
          long length = Long.parseLong(head.replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
          Eventually.until("the body reserved", this::bodiesHeld, n -> n == length);
          s.setSoLinger(true, 0); // closed with a reset
        }
        Eventually.until("the request's end logged", () -> logs.list.stream()
            .filter(e -> e.getLoggerName().equals(AccessLog.class.getName()) && e.getFormattedMessage().startsWith("POST "))
            .toList(), l -> l.size() > before);
        Eventually.until("the budget given back", this::bodiesHeld, n -> n == 0);
      }
    } finally {
      watched.forEach(l -> l.detachAppender(logs));
      access.setLevel(accessLevel);
    }
    assertThat(logs.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.ERROR)).extracting(ILoggingEvent::getFormattedMessage)
        .isEmpty();
    assertThat(logs.list).filteredOn(e -> e.getLoggerName().equals(AccessLog.class.getName()))
        .extracting(ILoggingEvent::getFormattedMessage).noneMatch(m -> m.matches(".* 5\\d\\d \\d+ms"));
  }
}
