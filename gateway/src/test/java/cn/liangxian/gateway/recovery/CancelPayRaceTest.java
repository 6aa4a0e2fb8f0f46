package cn.liangxian.gateway.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The cancel-versus-pay race across channels. A caller orders a member's contribution on one channel and
 * shows the QR code; while the resident pays that code, the same caller cancels the order and, if the
 * cancel goes through, orders the member again on the other channel and the resident pays that one.
 * However the two interleave, the resident is charged once: never twice (not even twice and refunded).
 *
 * <p>CI runs a seeded sample ({@code -Drace.rounds}, default 200; {@code -Drace.seed}); the 1,000-round run
 * is {@code gateway/scripts/cancel-race.sh}.
 */
class CancelPayRaceTest {
  static final int ROUNDS = Integer.getInteger("race.rounds", 200);
  static final long SEED = Long.getLong("race.seed", 20191215L);
  static final int PARALLEL = 8;

  /**
   * How a round's pay and cancel meet: the resident pays before the cancel is asked, the cancel completes
   * before the resident scans, or both at once (the resident's tap delayed by a few milliseconds drawn
   * from the seed, so that it lands anywhere inside the cancel).
   */
  enum Meeting { PAY_THEN_CANCEL, CANCEL_THEN_PAY, AT_ONCE }

  record Round(String householdRef, String memberRef, String first, String second, Meeting meeting, int delayMillis) {}

  record Outcome(Meeting meeting, String orderA, String outTradeNoA, int cancelStatus, String cancelState, String orderB, String outTradeNoB) {}

  @org.junit.jupiter.api.AfterAll
  static void closeClient() {
    VERTX.close();
  }

  @Test
  void aResidentIsChargedOnceHoweverCancelAndPayInterleave() throws Exception {
    // on two loops with a pool each: cancels and payments on different threads and connections, as in the product
    Map<String, String> env = TestGateway.onSeveralLoops(Map.of("GATEWAY_SWEEP_MILLIS", "3600000"));
    try (TestGateway g = new TestGateway(env)) {
      List<Round> rounds = roster(g);
      long started = System.nanoTime();
      List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
      ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
      try {
        List<java.util.concurrent.Future<?>> all = new ArrayList<>();
        for (Round r : rounds) {
          all.add(pool.submit(() -> {
            outcomes.add(race(g, r));
            return null;
          }));
        }
        for (var f : all) {
          f.get(120, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      double seconds = (System.nanoTime() - started) / 1e9;

      // the channel's own ledger: every payment it took from a resident
      Map<String, Long> charged = g.gateway.demo().sandbox().payments().toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS).stream().collect(Collectors.groupingBy(p -> p.getString("outTradeNo"), Collectors.counting()));
      int twice = 0;
      int cancelled = 0;
      for (Outcome o : outcomes) {
        if (o.meeting() != Meeting.AT_ONCE) {
          // one after the other, the outcome is known: a paid order cannot be cancelled, a closed code cannot be paid
          assertThat(o.cancelStatus()).as("%s", o).isEqualTo(o.meeting() == Meeting.CANCEL_THEN_PAY ? 200 : 409);
        }
        long n = charged.getOrDefault(o.outTradeNoA(), 0L) + (o.outTradeNoB() == null ? 0 : charged.getOrDefault(o.outTradeNoB(), 0L));
        assertThat(n).as("charges of one member in one round (%s)", o).isLessThanOrEqualTo(1).isGreaterThanOrEqualTo(1);
        twice += n > 1 ? 1 : 0;
        if (o.cancelStatus() == 200) {
          cancelled++;
          assertThat(charged).as("a cancelled order's code was not paid (%s)", o).doesNotContainKey(o.outTradeNoA());
        } else {
          assertThat(o.cancelStatus()).as("cancel of an order the resident paid (%s)", o).isEqualTo(409);
          assertThat(o.cancelState()).isEqualTo("PAID");
        }
      }
      // and the gateway agrees: one paid order per member, no refund owed to anyone
      Eventually.until("every member's one order to be PAID", () -> {
        try (var c = g.db.connect(); var st = c.createStatement();
            var rs = st.executeQuery("select count(*) filter (where state = 'PAID'), (select count(*) from refund) from orders")) {
          rs.next();
          return rs.getInt(1) == ROUNDS && rs.getInt(2) == 0;
        }
      });
      long atOnce = outcomes.stream().filter(o -> o.meeting() == Meeting.AT_ONCE).count();
      long atOnceCancelled = outcomes.stream().filter(o -> o.meeting() == Meeting.AT_ONCE && o.cancelStatus() == 200).count();
      System.out.printf("cancel-vs-pay race: %d rounds (seed %d), %d cancelled then paid on the other channel, %d paid first"
          + " (at the same moment: %d, of which %d cancelled); charged twice: %d; %.1f s%n", ROUNDS, SEED, cancelled,
          ROUNDS - cancelled, atOnce, atOnceCancelled, twice, seconds);
      assertThat(twice).isZero();
    }
  }

  /** One round: order on the first channel, then the resident pays and the caller cancels at the same moment. */
  static Outcome race(TestGateway g, Round r) throws Exception {
    String session = g.bearer("race-" + r.memberRef());
    JsonObject a = order(g, session, r, r.first());
    g.scan(a); // the resident's phone reads the code as it is shown (one nobody scanned: CancellationTest)
    String noA = a.getString("outTradeNo");
    var sandbox = g.gateway.demo().sandbox();
    Future<Void> pay;
    Future<HttpResponse<Buffer>> cancel;
    switch (r.meeting()) {
      case PAY_THEN_CANCEL -> {
        pay = settled(sandbox.pay(noA));
        cancel = cancel(g, session, a.getString("id"));
      }
      case CANCEL_THEN_PAY -> {
        cancel = settled(cancel(g, session, a.getString("id")));
        pay = sandbox.pay(noA);
      }
      default -> {
        cancel = cancel(g, session, a.getString("id"));
        io.vertx.core.Promise<Void> tapped = io.vertx.core.Promise.promise();
        VERTX.setTimer(Math.max(1, r.delayMillis()), t -> sandbox.pay(noA).onComplete(tapped));
        pay = tapped.future();
      }
    }
    pay.toCompletionStage().toCompletableFuture().handle((x, e) -> null).get(30, TimeUnit.SECONDS);
    HttpResponse<Buffer> c = cancel.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    JsonObject answer = c.bodyAsJsonObject();
    if (c.statusCode() != 200) {
      return new Outcome(r.meeting(), a.getString("id"), noA, c.statusCode(), answer.getString("state"), null, null);
    }
    // cancelled: the caller orders the same member on the other channel, and the resident pays that
    JsonObject b = order(g, session, r, r.second());
    g.gateway.demo().sandbox().pay(b.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return new Outcome(r.meeting(), a.getString("id"), noA, 200, answer.getString("state"), b.getString("id"),
        b.getString("outTradeNo"));
  }

  static final io.vertx.core.Vertx VERTX = io.vertx.core.Vertx.vertx();

  /** The future, once it has completed (either way). */
  static <T> Future<T> settled(Future<T> f) throws Exception {
    f.toCompletionStage().toCompletableFuture().handle((x, e) -> null).get(30, TimeUnit.SECONDS);
    return f;
  }

  static JsonObject order(TestGateway g, String session, Round r, String channel) throws Exception {
    JsonObject body = new JsonObject().put("householdRef", r.householdRef()).put("channel", channel).put("mode", "qr")
        .put("items", new JsonArray().add(new JsonObject().put("memberRef", r.memberRef()).put("insurance", "medical").put("year", 2020)));
    HttpResponse<Buffer> created = g.post("/api/v1/orders", body, "Idempotency-Key", UUID.randomUUID().toString(),
        "Authorization", session);
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    return created.bodyAsJsonObject();
  }

  static Future<HttpResponse<Buffer>> cancel(TestGateway g, String session, String id) {
    return g.http.post("/api/v1/orders/" + id + "/cancel").putHeader("Authorization", session).send();
  }

  /** One household of one adult per round (如皋), imported as a village roster; the channels and order drawn from the seed. */
  static List<Round> roster(TestGateway g) throws Exception {
    StringBuilder csv = new StringBuilder("region_code,township,village,household,id_number,name,local,guardian_id_number,"
        + "guardian_name,guardian_phone,enrolled_elsewhere\n");
    for (int i = 0; i < ROUNDS; i++) {
      String id = TestGateway.id("320682", LocalDate.of(1960, 1, 1).plusDays(i * 7L).toString(), 101 + 2 * (i % 400));
      csv.append("320682,如城街道,大明社区,RACE").append(i).append(',').append(id).append(",赛跑").append(i).append(",true,,,,false\n");
    }
    var report = g.importCsv("race.csv", csv.toString());
    assertThat(report.imported()).as(report.problems().toString()).isEqualTo(ROUNDS);
    Random random = new Random(SEED);
    List<Round> rounds = new ArrayList<>();
    try (var c = g.db.connect(); var st = c.createStatement(); var rs = st.executeQuery("select h.ref as household, p.ref as member"
        + " from household h join person p on p.household_id = h.id where h.roster_ref like 'RACE%' order by h.roster_ref")) {
      while (rs.next()) {
        boolean wechatFirst = random.nextBoolean();
        rounds.add(new Round(rs.getString("household"), rs.getString("member"), wechatFirst ? "wechat" : "alipay",
            wechatFirst ? "alipay" : "wechat", Meeting.values()[random.nextInt(Meeting.values().length)], random.nextInt(100)));
      }
    }
    assertThat(rounds).hasSize(ROUNDS);
    assertThat(Set.copyOf(rounds.stream().map(Round::memberRef).toList())).hasSize(ROUNDS);
    return rounds;
  }
}
