package cn.liangxian.gateway.lookup;

import static cn.liangxian.gateway.support.TestGateway.member;
import static cn.liangxian.gateway.support.TestGateway.ref;
import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.operator.Role;
import cn.liangxian.gateway.operator.Scope;
import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A paid item is shown as it was paid: the tier chosen, the amounts and the cover the order recorded, whatever the
 * lowest tier is, whatever book is live now and whatever phase of collection today is; and a book's preview does not
 * count it as changed. 河东区's pay date follows the clock here (the shipped configuration pins it for the demo).
 */
class PaidItemsLookupTest {
  TestGateway g;
  @TempDir
  Path dir;

  @BeforeEach
  void start() throws Exception {
    g = Fixture.hedongOnTheClock(dir);
  }

  @AfterEach
  void stop() throws Exception {
    g.close();
  }

  static JsonObject insurance(JsonObject household, String id, String insurance) {
    return member(household, id).getJsonArray("insurances").stream().map(o -> (JsonObject) o)
        .filter(i -> i.getString("insurance").equals(insurance)).findFirst().orElseThrow();
  }

  JsonObject orderAndPay(JsonObject h, JsonArray items) throws Exception {
    HttpResponse<Buffer> r = g.post("/api/v1/orders", new JsonObject().put("householdRef", h.getJsonObject("household")
        .getString("ref")).put("channel", "wechat").put("mode", "qr").put("items", items),
        "Idempotency-Key", UUID.randomUUID().toString());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    JsonObject o = r.bodyAsJsonObject();
    g.gateway.demo().sandbox().pay(o.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    return g.awaitState(o.getString("id"), "PAID");
  }

  static JsonObject orderItem(JsonObject order, String memberRef, String insurance) {
    return order.getJsonArray("items").stream().map(o -> (JsonObject) o)
        .filter(i -> i.getString("memberRef").equals(memberRef) && i.getString("insurance").equals(insurance))
        .findFirst().orElseThrow();
  }

  /** The lookup's paid item carries exactly the tier, amounts and clauses of the order's item. */
  static void shownAsPaid(JsonObject shown, JsonObject paid) {
    assertThat(shown.getString("status")).isEqualTo("paid");
    for (String field : new String[] {"personalFen", "governmentFen", "subsidyFen", "laterSubsidyFen", "totalFen", "tier",
        "rules"}) {
      assertThat(shown.getValue(field)).as(field).isEqualTo(paid.getValue(field));
    }
    assertThat(shown.containsKey("tiers")).as("nothing to choose with a paid item").isFalse();
  }

  @Test
  void aPensionPaidAtAHigherTierShowsThatTierAndWhatWasPaid() throws Exception {
    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    assertThat(insurance(h, Fixture.ZHANG, "pension").getJsonArray("tiers").getJsonObject(0).getInteger("tier")).isEqualTo(300);
    JsonObject order = orderAndPay(h, new JsonArray()
        .add(new JsonObject().put("memberRef", ref(h, Fixture.ZHANG)).put("insurance", "pension").put("year", 2020).put("tier", 800))
        // the district pays 100 yuan of a hardship group's pension at any tier: the rest of 800 is hers
        .add(new JsonObject().put("memberRef", ref(h, Fixture.GRANNY)).put("insurance", "pension").put("year", 2020).put("tier", 800)));

    JsonObject after = g.lookup(Fixture.ZHANG, "张三");
    JsonObject zhang = insurance(after, Fixture.ZHANG, "pension");
    shownAsPaid(zhang, orderItem(order, ref(h, Fixture.ZHANG), "pension"));
    assertThat(zhang.getInteger("tier")).isEqualTo(800);
    assertThat(zhang.getLong("personalFen")).isEqualTo(80000);
    assertThat(zhang.getLong("subsidyFen")).isEqualTo(8000);
    assertThat(zhang.getLong("totalFen")).isEqualTo(88000);

    JsonObject granny = insurance(after, Fixture.GRANNY, "pension");
    shownAsPaid(granny, orderItem(order, ref(h, Fixture.GRANNY), "pension"));
    assertThat(granny.getInteger("tier")).isEqualTo(800);
    assertThat(granny.getLong("personalFen")).isEqualTo(70000);
    assertThat(granny.getLong("governmentFen")).isEqualTo(10000);
    assertThat(granny.getLong("subsidyFen")).isEqualTo(8000);
    assertThat(after.getJsonObject("totals").getJsonObject("pension").getInteger("unpaidMembers")).isEqualTo(1); // 李四

    assertThat(g.lookup(Fixture.ZHANG, "张三")).as("the kept answer is the same").isEqualTo(after);
  }

  @Test
  void aBookRaisingMedicalAfterThePaymentChangesNeitherWhatWasPaidNorThePreviewOfIt() throws Exception {
    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    JsonArray items = new JsonArray();
    for (String id : new String[] {Fixture.ZHANG, Fixture.LI, Fixture.CHILD}) {
      items.add(new JsonObject().put("memberRef", ref(h, id)).put("insurance", "medical").put("year", 2020));
    }
    JsonObject order = orderAndPay(h, items);

    String raised = Files.readString(TestGateway.repo().resolve("config/policies/hedong-2020.yaml"))
        .replace("personal: {yuan: 250", "personal: {yuan: 260");
    HttpResponse<Buffer> up = g.http.post("/api/v1/operator/books?file=hedong-2020-260.yaml")
        .putHeader("Content-Type", "application/yaml").putHeader("Authorization", "Bearer " + g.adminToken())
        .sendBuffer(Buffer.buffer(raised)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(up.statusCode()).as(up.bodyAsString()).isEqualTo(201);
    JsonObject preview = up.bodyAsJsonObject().getJsonObject("preview");
    assertThat(preview.getInteger("households")).isEqualTo(1);
    assertThat(preview.getInteger("changedItems")).as("every medical item is paid or paid for: nothing changes").isZero();
    JsonObject paidRow = preview.getJsonArray("counts").stream().map(o -> (JsonObject) o)
        .filter(c -> c.getString("insurance").equals("medical") && c.getString("status").equals("paid")).findFirst().orElseThrow();
    assertThat(paidRow.getLong("personalFen")).isEqualTo(25000);
    assertThat(paidRow.getInteger("before")).isEqualTo(3);
    assertThat(paidRow.getInteger("after")).isEqualTo(3);

    HttpResponse<Buffer> on = g.post("/api/v1/operator/books/" + up.bodyAsJsonObject().getLong("id") + "/activate",
        new JsonObject().put("activateOn", "2019-12-15"), "Authorization", "Bearer " + g.adminToken());
    assertThat(on.statusCode()).as(on.bodyAsString()).isEqualTo(200);

    JsonObject after = g.lookup(Fixture.ZHANG, "张三");
    for (String id : new String[] {Fixture.ZHANG, Fixture.LI, Fixture.CHILD}) {
      JsonObject medical = insurance(after, id, "medical");
      shownAsPaid(medical, orderItem(order, ref(h, id), "medical"));
      assertThat(medical.getLong("personalFen")).isEqualTo(25000);
      assertThat(medical.containsKey("tier")).as("medical here has no tiers").isFalse();
    }
    assertThat(insurance(after, Fixture.GRANNY, "medical").getString("status")).isEqualTo("paid-by-government");
  }

  @Test
  void aMedicalItemPaidInTheWindowIsCoveredFromTheYearsStartWhenLookedUpInTheLatePhase() throws Exception {
    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    assertThat(insurance(h, Fixture.ZHANG, "medical").getString("coverageStart")).isEqualTo("2020-01-01");
    JsonArray items = new JsonArray();
    for (String id : new String[] {Fixture.ZHANG, Fixture.LI, Fixture.CHILD}) {
      items.add(new JsonObject().put("memberRef", ref(h, id)).put("insurance", "medical").put("year", 2020));
    }
    orderAndPay(h, items);

    // the window closed on 2019-12-31: a payment made on 2020-01-10 would be covered thirty days after it
    g.clock.advance(Duration.ofDays(26));
    JsonObject late = g.lookup(Fixture.ZHANG, "张三");
    assertThat(late.getString("payDate")).isEqualTo("2020-01-10");
    for (String id : new String[] {Fixture.ZHANG, Fixture.LI, Fixture.CHILD}) {
      JsonObject medical = insurance(late, id, "medical");
      assertThat(medical.getString("status")).isEqualTo("paid");
      assertThat(medical.getString("coverageStart")).as("paid in the window, no waiting period").isEqualTo("2020-01-01");
      assertThat(medical.getString("coverageEnd")).isEqualTo("2020-12-31");
    }
    assertThat(g.count("select count(*) from order_item where coverage_start = date '2020-01-01'"
        + " and coverage_end = date '2020-12-31'")).as("the cover each item was assessed with, recorded").isEqualTo(3);
  }

  /** A finance officer's refund of one paid item ({@code category-arrived}: the difference a late category makes). */
  JsonObject refund(JsonObject order, String memberRef, String insurance, String reason) throws Exception {
    HttpResponse<Buffer> r = g.post("/api/v1/operator/refunds", new JsonObject().put("orderId", order.getString("id"))
        .put("memberRef", memberRef).put("insurance", insurance).put("reason", reason),
        "Authorization", "Bearer " + g.operatorToken(Role.FINANCE, Scope.ALL));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  @Test
  void aDifferenceGivenBackForALateCategoryIsTakenOffWhatWasPaidOnceTheChannelConfirmsIt() throws Exception {
    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    JsonObject order = orderAndPay(h, new JsonArray()
        .add(new JsonObject().put("memberRef", ref(h, Fixture.ZHANG)).put("insurance", "pension").put("year", 2020).put("tier", 800)));
    // on the minimum living allowance since: the district pays 100 yuan of any tier (000 三(一)2(4)), given back to him
    g.importCsv("late-dibao.csv", "department,category,id_number,name,valid_from,valid_to\n民政,DIBAO," + Fixture.ZHANG + ",张三,2019-01-01,\n");
    JsonObject difference = refund(order, ref(h, Fixture.ZHANG), "pension", "category-arrived");
    assertThat(difference.getLong("amountFen")).isEqualTo(10000);

    // WeChat Pay confirms it with a notification
    Eventually.until("the difference to be confirmed", () -> g.count("select count(*) from refund where out_refund_no = '"
        + difference.getString("outRefundNo") + "' and state = 'SUCCESS'") == 1);
    JsonObject pension = insurance(g.lookup(Fixture.ZHANG, "张三"), Fixture.ZHANG, "pension");
    assertThat(pension.getString("status")).isEqualTo("paid");
    assertThat(pension.getInteger("tier")).isEqualTo(800);
    assertThat(pension.getLong("refundedFen")).isEqualTo(10000);
    assertThat(pension.getLong("personalFen")).as("80000 paid, 10000 given back").isEqualTo(70000);
    assertThat(pension.getLong("subsidyFen")).isEqualTo(8000);
    assertThat(pension.getLong("totalFen")).isEqualTo(78000);

    // the rest of it given back too (he died): the item is no longer paid, nothing of it is shown as paid
    refund(order, ref(h, Fixture.ZHANG), "pension", "death");
    JsonObject after = insurance(g.lookup(Fixture.ZHANG, "张三"), Fixture.ZHANG, "pension");
    assertThat(after.getString("status")).isNotEqualTo("paid");
    assertThat(after.containsKey("refundedFen")).isFalse();
    assertThat(after.containsKey("paidAt")).isFalse();
  }

  @Test
  void anItemBeingPaidShowsTheTierAndAmountsOfItsOrderAndKeepsThemOncePaid() throws Exception {
    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    HttpResponse<Buffer> r = g.post("/api/v1/orders", new JsonObject().put("householdRef", h.getJsonObject("household")
        .getString("ref")).put("channel", "wechat").put("mode", "qr").put("items", new JsonArray()
            .add(new JsonObject().put("memberRef", ref(h, Fixture.ZHANG)).put("insurance", "pension").put("year", 2020).put("tier", 800))),
        "Idempotency-Key", UUID.randomUUID().toString());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    JsonObject order = r.bodyAsJsonObject();

    JsonObject held = insurance(g.lookup(Fixture.ZHANG, "张三"), Fixture.ZHANG, "pension");
    JsonObject ordered = orderItem(order, ref(h, Fixture.ZHANG), "pension");
    assertThat(held.getString("status")).isEqualTo("in-progress");
    assertThat(held.getInteger("tier")).as("the tier being paid, not the lowest").isEqualTo(800);
    for (String field : new String[] {"personalFen", "governmentFen", "subsidyFen", "laterSubsidyFen", "totalFen", "rules"}) {
      assertThat(held.getValue(field)).as(field).isEqualTo(ordered.getValue(field));
    }
    assertThat(held.getLong("personalFen")).isEqualTo(80000);
    assertThat(held.containsKey("tiers")).isFalse();

    g.gateway.demo().sandbox().pay(order.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    g.awaitState(order.getString("id"), "PAID");
    JsonObject paid = insurance(g.lookup(Fixture.ZHANG, "张三"), Fixture.ZHANG, "pension");
    shownAsPaid(paid, ordered);
    assertThat(paid.getString("coverageStart")).isEqualTo(held.getString("coverageStart"));
    assertThat(held.getString("heldUntil")).as("until its order expires").isNotNull();
    assertThat(paid.containsKey("heldUntil")).as("paid: held no more").isFalse();
  }
}
