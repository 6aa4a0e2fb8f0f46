package cn.liangxian.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.TestGateway;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Clients that hold a connection without finishing a request are dropped by the server (tiny time-outs here). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowClientsTest {
  TestGateway g;

  @BeforeAll
  void start() throws Exception {
    g = new TestGateway(Map.of("GATEWAY_REQUEST_READ_TIMEOUT_MILLIS", "300", "GATEWAY_IDLE_TIMEOUT_MILLIS", "1500"));
  }

  @AfterAll
  void stop() throws Exception {
    g.close();
  }

  @Test
  void aBodyThatStopsHalfWayIsAnswered408AndTheConnectionClosed() throws Exception {
    try (Socket s = new Socket("127.0.0.1", g.gateway.httpPort())) {
      s.setSoTimeout(20_000);
      s.getOutputStream().write(("POST /api/v1/lookup HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Content-Length: 100\r\n\r\n{\"idNumber\"").getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      // readAllBytes returns only once the server has closed the connection
      String a = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      BodyBudgetTest.assertProblem(a, 408, "request-timeout");
    }
  }

  @Test
  void aSilentConnectionIsClosed() throws Exception {
    try (Socket s = new Socket("127.0.0.1", g.gateway.httpPort())) {
      s.setSoTimeout(20_000);
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
  }
}
