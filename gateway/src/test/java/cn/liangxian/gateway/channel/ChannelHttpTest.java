package cn.liangxian.gateway.channel;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.channel.wechat.MiniProgramLogin;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client the channels are called with, against a WeChat stand-in that answers slowly: a call the
 * connections and their short queue cannot take fails at once, and a channel that goes silent fails the
 * call instead of holding it (each then answers the resident 503 "try again").
 */
class ChannelHttpTest {
  WireMockServer wm;
  Vertx vertx;

  @BeforeEach
  void start() {
    wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1").containerThreads(16));
    wm.start();
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    wm.stop();
    Await.result(vertx.close());
  }

  void wechatAnswersAfter(int millis) {
    wm.stubFor(get(urlPathEqualTo("/sns/jscode2session")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "text/plain").withFixedDelay(millis)
        .withBody("{\"openid\":\"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o\",\"session_key\":\"tiihtNczf5v6AKRyjwEUhQ==\"}")));
  }

  @Test
  void aCallBeyondTheConnectionsAndTheirQueueFailsAtOnce() throws Exception {
    wechatAnswersAfter(3000);
    // one connection and one place in its queue: four calls at once cannot all be taken
    MiniProgramLogin login = new MiniProgramLogin(ChannelHttp.client(vertx, 1, 1, 30), wm.baseUrl(), "wx1234567890abcdef", "s");
    List<Future<String>> calls = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      calls.add(login.subject("code-" + i));
    }
    int served = 0;
    int refused = 0;
    for (Future<String> call : calls) {
      Await.settled(call);
      if (call.succeeded()) {
        assertThat(call.result()).isEqualTo("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o");
        served++;
      } else {
        assertThat(Await.failure(call).code()).isEqualTo("NETWORK");
        refused++;
      }
    }
    assertThat(served).as("the connection serves, the queue waits its turn").isBetween(1, 2);
    assertThat(refused).as("the rest is refused, not queued without end").isEqualTo(4 - served);
  }

  @Test
  void anUnusedConnectionLeavesThePoolBeforeItsIdleTimeoutClosesIt() {
    var options = ChannelHttp.options(ChannelHttp.SILENCE_SECONDS);
    assertThat(options.getKeepAliveTimeout()).isPositive().isLessThan(options.getIdleTimeout());
  }

  @Test
  void aChannelThatFallsSilentFailsTheCall() throws Exception {
    wechatAnswersAfter(8000);
    MiniProgramLogin login = new MiniProgramLogin(ChannelHttp.client(vertx, 4, 4, 1), wm.baseUrl(), "wx1234567890abcdef", "s");
    ChannelException e = Await.failure(login.subject("code"));
    assertThat(e.code()).isEqualTo("NETWORK");
    assertThat(e.retryable()).isTrue();
  }
}
