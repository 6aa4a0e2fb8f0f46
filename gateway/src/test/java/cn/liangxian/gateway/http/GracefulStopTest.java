package cn.liangxian.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A gateway told to stop (SIGTERM runs the same stop) says not ready first, so that the balancer
 * drains it, then takes no new connection and still finishes the request it was reading.
 */
class GracefulStopTest {

  @Test
  void aStopSaysNotReadyFirstThenFinishesTheRequestInFlight() throws Exception {
    // the port shared by several loops' servers, as in the product
    try (TestGateway g = Fixture.load(new TestGateway(TestGateway.onSeveralLoops(Map.of("GATEWAY_DRAIN_MILLIS", "3000"))))) {
      int port = g.gateway.httpPort();
      byte[] body = ("{\"idNumber\":\"" + Fixture.CHEN + "\",\"name\":\"陈一\"}").getBytes(StandardCharsets.UTF_8);
      try (Socket inFlight = new Socket("127.0.0.1", port)) {
        OutputStream out = inFlight.getOutputStream();
        out.write(("POST /api/v1/lookup HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Openid: graceful-stop\r\n"
            + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body, 0, body.length / 2);
        out.flush();
        Eventually.until("the lookup admitted and in flight", g::metrics,
            m -> DashboardMeaningTest.select(m, "liangxian_admission_in_flight", "class=\"lookup\"") == 1.0);

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(g.gateway::stopGracefully);
        var notReady = Eventually.until("/health/ready to say 503", () -> g.get("/health/ready"), r -> r.statusCode() == 503);
        assertThat(notReady.bodyAsJsonObject().getString("status")).isEqualTo("DRAINING");
        Eventually.until("new connections refused", () -> refused(port), r -> r);
        assertThat(stopping).isNotDone(); // still finishing the lookup

        out.write(body, body.length / 2, body.length - body.length / 2);
        out.flush();
        String answer = readAll(inFlight.getInputStream());
        assertThat(answer).startsWith("HTTP/1.1 200").contains("\"members\"");
        stopping.get(Eventually.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
    }
  }

  private static boolean refused(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  private static String readAll(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    byte[] buf = new byte[8192];
    for (int n; (n = in.read(buf)) > 0; ) {
      sb.append(new String(buf, 0, n, StandardCharsets.UTF_8));
      if (sb.indexOf("\r\n\r\n") > 0 && sb.toString().endsWith("}")) {
        break; // the whole JSON answer (Content-Length framed)
      }
    }
    return sb.toString();
  }
}
