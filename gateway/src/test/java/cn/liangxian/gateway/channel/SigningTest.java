package cn.liangxian.gateway.channel;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Signatures run on the named, bounded signing pool, never on an event loop, and come back to the caller's loop. */
class SigningTest {

  @Test
  void workRunsOnThePoolsThreadsAndAnswersOnTheCallersEventLoop() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (Signing signing = Signing.create(vertx, 2, new SimpleMeterRegistry())) {
      Context loop = vertx.getOrCreateContext();
      CompletableFuture<List<String>> threads = new CompletableFuture<>();
      loop.runOnContext(x -> {
        String caller = Thread.currentThread().getName();
        List<String> seen = new ArrayList<>();
        signing.sign(() -> Thread.currentThread().getName()).compose(worker -> {
          seen.add(worker);
          seen.add(Thread.currentThread().getName());
          return signing.verifyAndDecrypt(() -> Context.isOnEventLoopThread());
        }).onComplete(ar -> {
          seen.add(String.valueOf(ar.result()));
          seen.add(caller);
          threads.complete(seen);
        });
      });
      List<String> seen = threads.get(20, TimeUnit.SECONDS);
      assertThat(seen.get(0)).startsWith(Signing.POOL_NAME);
      assertThat(seen.get(1)).as("the result comes back on the caller's loop").isEqualTo(seen.get(3));
      assertThat(seen.get(2)).as("never on an event loop").isEqualTo("false");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void aFailureInTheWorkFailsTheFutureOnly() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (Signing signing = Signing.create(vertx, 1, new SimpleMeterRegistry())) {
      Promise<Throwable> failed = Promise.promise();
      signing.verify(() -> {
        throw new IllegalStateException("bad key");
      }).onComplete(ar -> failed.complete(ar.cause()));
      assertThat(failed.future().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS)).hasMessage("bad key");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }

  static double count(String metrics, String operation) {
    Matcher m = Pattern.compile("liangxian_channel_crypto_seconds_count\\{operation=\"" + Pattern.quote(operation) + "\"} ([0-9.E]+)")
        .matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  void theGatewaysOrderAndCallbackSignAndVerifyOnThePool() throws Exception {
    try (TestGateway g = Fixture.load(new TestGateway())) {
      JsonObject h = g.lookup(Fixture.CHEN, "陈一");
      JsonArray items = new JsonArray();
      for (String id : new String[] {Fixture.CHEN}) {
        items.add(new JsonObject().put("memberRef", TestGateway.ref(h, id)).put("insurance", "medical").put("year", 2020));
      }
      JsonObject before = new JsonObject().put("sign", count(g.metrics(), "sign")).put("verify", count(g.metrics(), "verify"));
      var r = g.post("/api/v1/orders", new JsonObject().put("householdRef", h.getJsonObject("household").getString("ref"))
          .put("channel", "wechat").put("mode", "qr").put("items", items), "Idempotency-Key", UUID.randomUUID().toString());
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
      String afterOrder = g.metrics();
      assertThat(count(afterOrder, "sign")).isGreaterThan(before.getDouble("sign"));
      assertThat(count(afterOrder, "verify")).isGreaterThan(before.getDouble("verify"));
      g.gateway.demo().sandbox().pay(r.bodyAsJsonObject().getString("outTradeNo")).toCompletionStage().toCompletableFuture().get();
      g.awaitState(r.bodyAsJsonObject().getString("id"), "PAID");
      assertThat(count(g.metrics(), "verify-and-decrypt")).isPositive();
    }
  }
}
