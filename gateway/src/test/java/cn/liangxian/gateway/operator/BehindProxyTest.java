package cn.liangxian.gateway.operator;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Behind the balancer every request comes from its address: the address a guesser is locked out by
 * is the client's, from the X-Forwarded-For the balancer sets, or one guesser would lock out everyone.
 */
class BehindProxyTest {

  @Test
  void aGuesserBehindTheBalancerIsLockedOutAloneNotEveryoneBehindIt() throws Exception {
    try (TestGateway g = new TestGateway(Map.of("GATEWAY_BEHIND_PROXY", "true", "GATEWAY_TRUSTED_PROXIES", "127.0.0.1"))) {
      for (int i = 0; i < OperatorAuth.MAX_FAILURES; i++) {
        assertThat(login(g, "guess-" + i, "203.0.113.9").statusCode()).isEqualTo(401);
      }
      assertThat(login(g, TestGateway.ADMIN_PASSWORD, "203.0.113.9").statusCode()).isEqualTo(401);
      assertThat(login(g, TestGateway.ADMIN_PASSWORD, "198.51.100.20").statusCode()).isEqualTo(200);
    }
  }

  /**
   * A peer that is not the balancer (another host of the internal network, here this test's loopback) cannot pass
   * itself off as others: its X-Forwarded-For is not believed, and its guesses lock out its own address, whatever
   * address each one claims.
   */
  @Test
  void aPeerThatIsNotTheBalancerIsCountedAsItselfWhateverItClaims() throws Exception {
    try (TestGateway g = new TestGateway(Map.of("GATEWAY_BEHIND_PROXY", "true", "GATEWAY_TRUSTED_PROXIES", "10.0.1.10, fd00::/8"))) {
      for (int i = 0; i < OperatorAuth.MAX_FAILURES; i++) {
        assertThat(login(g, "guess-" + i, "203.0.113." + (10 + i)).statusCode()).isEqualTo(401);
      }
      assertThat(login(g, TestGateway.ADMIN_PASSWORD, "198.51.100.20").statusCode())
          .as("locked out: every guess was this peer's, whatever address it claimed").isEqualTo(401);
    }
  }

  private static io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> login(TestGateway g, String password,
      String client) throws Exception {
    return g.post("/api/v1/operator/login", new JsonObject().put("username", "admin").put("password", password),
        "X-Forwarded-For", client);
  }
}
