package cn.liangxian.gateway.lookup;

import static cn.liangxian.gateway.support.TestGateway.member;
import static cn.liangxian.gateway.support.TestGateway.ref;
import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.operator.Role;
import cn.liangxian.gateway.operator.Scope;
import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.sandbox.fault.SandboxFaults;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A lookup answer is kept per household and served again, but never once something that changes it
 * happened: a roster change, an order, a payment, a refund, on this instance or another one.
 */
class KeptAnswersTest {
  private static final Pattern HITS = Pattern.compile("liangxian_lookup_answers_total\\{answer=\"kept\"[^}]*} ([0-9.E]+)");
  TestGateway g;

  @BeforeEach
  void start() throws Exception {
    g = Fixture.load(new TestGateway());
  }

  @AfterEach
  void stop() throws Exception {
    g.close();
  }

  static String status(JsonObject household, String id, String insurance) {
    return member(household, id).getJsonArray("insurances").stream().map(o -> (JsonObject) o)
        .filter(i -> i.getString("insurance").equals(insurance)).findFirst().orElseThrow().getString("status");
  }

  static double keptAnswersServed(TestGateway gw) throws Exception {
    Matcher m = HITS.matcher(gw.metrics());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  /** Looks up twice: the second answer is the kept one, and equal to the first. */
  JsonObject lookupKept(TestGateway gw, String id, String name) throws Exception {
    JsonObject first = gw.lookup(id, name);
    double before = keptAnswersServed(gw);
    JsonObject again = gw.lookup(id, name);
    assertThat(keptAnswersServed(gw)).as("the second lookup is answered from what was kept").isEqualTo(before + 1);
    assertThat(again).isEqualTo(first);
    return again;
  }

  /** Medical is paid for the whole family here (000 五2): every member who owes, in one order. */
  JsonObject order(TestGateway gw, JsonObject h, String... ids) throws Exception {
    JsonArray items = new JsonArray();
    for (String id : ids) {
      items.add(new JsonObject().put("memberRef", ref(h, id)).put("insurance", "medical").put("year", 2020));
    }
    HttpResponse<Buffer> r = gw.post("/api/v1/orders", new JsonObject().put("householdRef", h.getJsonObject("household")
        .getString("ref")).put("channel", "wechat").put("mode", "qr").put("items", items),
        "Idempotency-Key", UUID.randomUUID().toString());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject();
  }

  void pay(TestGateway gw, JsonObject order) throws Exception {
    gw.gateway.demo().sandbox().pay(order.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get();
    gw.awaitState(order.getString("id"), "PAID");
  }

  @Test
  void aRosterChangeIsShownAtOnce() throws Exception {
    assertThat(status(lookupKept(g, Fixture.LI, "李四"), Fixture.LI, "medical")).isEqualTo("unpaid");
    g.importCsv("late-dibao.csv", "department,category,id_number,name,valid_from,valid_to\n民政,DIBAO," + Fixture.LI + ",李四,2019-01-01,\n");
    assertThat(status(g.lookup(Fixture.LI, "李四"), Fixture.LI, "medical")).isEqualTo("paid-by-government");

    String newborn = TestGateway.id("371312", "2019-10-01", 127);
    g.importCsv("newborn.csv", Fixture.ROSTER.lines().findFirst().orElseThrow() + "\n"
        + "371312,汤头街道,汤头村,HD1," + newborn + ",张小宝,true," + Fixture.ZHANG + ",张三,13800001111,false\n");
    JsonObject h = g.lookup(Fixture.LI, "李四");
    assertThat(h.getJsonArray("members")).hasSize(5);
    assertThat(status(h, newborn, "medical")).isEqualTo("unpaid");
  }

  /**
   * A family checking one after the other: the second member's lookup reads the household (and checks their name) but is
   * answered with what the first one's assessed, and sees a payment at once like any kept answer.
   */
  @Test
  void aMemberIsAnsweredWithTheAnswerKeptForAnotherMember() throws Exception {
    JsonObject first = g.lookup(Fixture.ZHANG, "张三");
    double before = keptAnswersServed(g);
    JsonObject other = g.lookup(Fixture.LI, "李四");
    assertThat(keptAnswersServed(g)).as("李四's first lookup is answered from 张三's").isEqualTo(before + 1);
    assertThat(other).isEqualTo(first);
    HttpResponse<Buffer> wrongName = g.post("/api/v1/lookup", new JsonObject().put("idNumber", Fixture.LI).put("name", "李五"));
    assertThat(wrongName.statusCode()).as("the name is still checked").isEqualTo(404);
    lookupKept(g, Fixture.LI, "李四");

    pay(g, order(g, first, Fixture.ZHANG, Fixture.LI, Fixture.CHILD));
    assertThat(status(g.lookup(Fixture.LI, "李四"), Fixture.ZHANG, "medical")).isEqualTo("paid");
    assertThat(status(g.lookup(Fixture.ZHANG, "张三"), Fixture.LI, "medical")).isEqualTo("paid");
  }

  /** The household's stamp moves once per statement: once for a payment's reservations, once each for a move. */
  @Test
  void anUpdateBumpsEachHouseholdItTouchesOnce() throws Exception {
    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    String household = "(select id from household where ref = '" + h.getJsonObject("household").getString("ref") + "')";
    String stamp = "select stamp from household where id = " + household;
    long before = g.count(stamp);
    pay(g, order(g, h, Fixture.ZHANG, Fixture.LI, Fixture.CHILD)); // reservations inserted, then paid in one statement
    long paid = g.count(stamp);
    assertThat(paid).as("one bump for the order's reservations, one for their payment").isEqualTo(before + 2);

    long others = g.count("select count(*) from household where id <> " + household);
    assertThat(others).isPositive();
    String other = "(select min(id) from household where id <> " + household + ")";
    long otherBefore = g.count("select stamp from household where id = " + other);
    try (var c = g.db.connect(); var st = c.createStatement()) {
      st.executeUpdate("update person set household_id = " + other + " where household_id = " + household
          + " and birth_date = (select max(birth_date) from person where household_id = " + household + ")");
    }
    assertThat(g.count(stamp)).as("the household the member left").isEqualTo(paid + 1);
    assertThat(g.count("select stamp from household where id = " + other)).as("the one they joined").isEqualTo(otherBefore + 1);
  }

  @Test
  void anOrderAndItsPaymentAreShownAtOnce() throws Exception {
    JsonObject h = lookupKept(g, Fixture.ZHANG, "张三");
    JsonObject o = order(g, h, Fixture.ZHANG, Fixture.LI, Fixture.CHILD);
    assertThat(status(g.lookup(Fixture.ZHANG, "张三"), Fixture.LI, "medical")).isEqualTo("in-progress");
    lookupKept(g, Fixture.ZHANG, "张三");
    pay(g, o);
    JsonObject after = g.lookup(Fixture.ZHANG, "张三");
    assertThat(status(after, Fixture.LI, "medical")).isEqualTo("paid");
    assertThat(status(after, Fixture.GRANNY, "medical")).isEqualTo("paid-by-government");
  }

  /**
   * An item another order holds says until when (that order's expiry, read with the hold): kept with the answer while
   * the hold stands, and gone with it once the order expired and released the item, which is payable again at once.
   */
  @Test
  void anItemHeldSaysUntilWhenAndIsPayableOnceTheHoldEnds() throws Exception {
    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    assertThat(medical(h, Fixture.LI).containsKey("heldUntil")).as("not held").isFalse();
    JsonObject o = order(g, h, Fixture.ZHANG, Fixture.LI, Fixture.CHILD);
    java.time.Instant expires = java.time.OffsetDateTime.parse(o.getString("expiresAt")).toInstant();

    JsonObject held = medical(lookupKept(g, Fixture.LI, "李四"), Fixture.LI);
    assertThat(held.getString("status")).isEqualTo("in-progress");
    assertThat(held.getString("heldUntil")).as("the order's expiry, in Beijing time").endsWith("+08:00");
    assertThat(java.time.OffsetDateTime.parse(held.getString("heldUntil")).toInstant()).isEqualTo(expires);
    assertThat(medical(g.lookup(Fixture.LI, "李四"), Fixture.GRANNY).containsKey("heldUntil")).as("not in the order").isFalse();

    g.clock.advance(java.time.Duration.between(g.clock.instant(), expires).plusSeconds(1));
    g.awaitState(o.getString("id"), "EXPIRED");
    JsonObject free = medical(g.lookup(Fixture.LI, "李四"), Fixture.LI);
    assertThat(free.getString("status")).as("the kept answer is not served once the hold ended").isEqualTo("unpaid");
    assertThat(free.containsKey("heldUntil")).isFalse();
    order(g, h, Fixture.ZHANG, Fixture.LI, Fixture.CHILD); // payable again
  }

  @Test
  void aRefundIsShownAtOnce() throws Exception {
    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    JsonObject o = order(g, h, Fixture.ZHANG, Fixture.LI, Fixture.CHILD);
    pay(g, o);
    assertThat(status(lookupKept(g, Fixture.LI, "李四"), Fixture.LI, "medical")).isEqualTo("paid");
    String token = g.operatorToken(Role.FINANCE, Scope.ALL);
    HttpResponse<Buffer> refund = g.http.post("/api/v1/operator/refunds").putHeader("Content-Type", "application/json")
        .putHeader("Authorization", "Bearer " + token)
        .sendBuffer(Buffer.buffer(new JsonObject().put("orderId", o.getString("id")).put("memberRef", ref(h, Fixture.LI))
            .put("insurance", "medical").put("reason", "enrolled-elsewhere").encode()))
        .toCompletionStage().toCompletableFuture().get();
    assertThat(refund.statusCode()).as(refund.bodyAsString()).isEqualTo(200);
    JsonObject after = g.lookup(Fixture.LI, "李四");
    assertThat(status(after, Fixture.LI, "medical")).isEqualTo("unpaid");
    assertThat(status(after, Fixture.ZHANG, "medical")).isEqualTo("paid");
  }

  @Test
  void aPaymentAppliedOnAnotherInstanceIsShownAtOnce() throws Exception {
    try (TestGateway b = TestGateway.beside(g)) {
      JsonObject h = lookupKept(b, Fixture.ZHANG, "张三");
      assertThat(status(h, Fixture.ZHANG, "medical")).isEqualTo("unpaid");
      // ordered, paid and its callback applied on the first instance; the second had the answer kept
      JsonObject o = order(g, h, Fixture.ZHANG, Fixture.LI, Fixture.CHILD);
      pay(g, o);
      assertThat(status(b.lookup(Fixture.ZHANG, "张三"), Fixture.ZHANG, "medical")).isEqualTo("paid");
    }
  }

  @Test
  void aDifferenceRefundIsShownOnceTheChannelConfirmsItAndNotBefore() throws Exception {
    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    JsonObject o = order(g, h, Fixture.ZHANG, Fixture.LI, Fixture.CHILD);
    pay(g, o);
    g.importCsv("late-dibao.csv", "department,category,id_number,name,valid_from,valid_to\n民政,DIBAO," + Fixture.ZHANG + ",张三,2019-01-01,\n");
    g.gateway.demo().sandbox().faults(new SandboxFaults(0, 0, true, 0, false)); // no REFUND.SUCCESS notification
    try {
      String token = g.operatorToken(Role.FINANCE, Scope.ALL);
      HttpResponse<Buffer> refund = g.http.post("/api/v1/operator/refunds").putHeader("Content-Type", "application/json")
          .putHeader("Authorization", "Bearer " + token)
          .sendBuffer(Buffer.buffer(new JsonObject().put("orderId", o.getString("id")).put("memberRef", ref(h, Fixture.ZHANG))
              .put("insurance", "medical").put("reason", "category-arrived").encode()))
          .toCompletionStage().toCompletableFuture().get();
      assertThat(refund.statusCode()).as(refund.bodyAsString()).isEqualTo(200);
      assertThat(refund.bodyAsJsonObject().getString("state")).isEqualTo("REQUESTED");
      // under way: not taken off what was paid yet, and the answer is kept
      JsonObject before = medical(lookupKept(g, Fixture.ZHANG, "张三"), Fixture.ZHANG);
      assertThat(before.getLong("personalFen")).isEqualTo(25000);
      assertThat(before.containsKey("refundedFen")).isFalse();

      String stamp = "select stamp from household where ref = '" + h.getJsonObject("household").getString("ref") + "'";
      long unconfirmed = g.count(stamp);
      // two minutes on, the sweeper asks the channel, which says it is done
      g.clock.advance(java.time.Duration.ofMinutes(2).plusSeconds(1));
      Eventually.until("the refund to be confirmed", () -> g.count("select count(*) from refund where order_id = '"
          + o.getString("id") + "' and state = 'SUCCESS'") == 1);
      JsonObject after = medical(g.lookup(Fixture.ZHANG, "张三"), Fixture.ZHANG);
      assertThat(after.getString("status")).isEqualTo("paid");
      assertThat(after.getLong("refundedFen")).as("the kept answer is not served after the confirmation").isEqualTo(25000);
      assertThat(after.getLong("personalFen")).isZero();
      assertThat(g.count(stamp)).as("one bump for the confirmation, none for the sweeper's claim of it").isEqualTo(unconfirmed + 1);
    } finally {
      g.gateway.demo().sandbox().faults(SandboxFaults.NONE);
    }
  }

  static JsonObject medical(JsonObject household, String id) {
    return member(household, id).getJsonArray("insurances").stream().map(o -> (JsonObject) o)
        .filter(i -> i.getString("insurance").equals("medical")).findFirst().orElseThrow();
  }
}
