package cn.liangxian.gateway.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.channel.agency.AgencyEnvelope;
import cn.liangxian.gateway.operator.Role;
import cn.liangxian.gateway.operator.Scope;
import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** What the agencies tell the gateway, and what it does: not eligible, refunded after a delay operators can stop, refused orders. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgencyChangesTest {
  AgencyFixture f;
  String finance;

  @BeforeAll
  void start() throws Exception {
    f = new AgencyFixture();
    finance = f.g.operatorToken(Role.FINANCE, Scope.ALL);
  }

  @AfterAll
  void stop() throws Exception {
    f.close();
  }

  static JsonObject change(String kind, String id) {
    return new JsonObject().put("changeId", UUID.randomUUID().toString()).put("kind", kind).put("idNumber", id)
        .put("insurance", "medical").put("year", 2020);
  }

  JsonObject medical(String id, String name) throws Exception {
    return TestGateway.member(f.g.lookup(id, name), id).getJsonArray("insurances").stream().map(o -> (JsonObject) o)
        .filter(i -> i.getString("insurance").equals("medical")).findFirst().orElseThrow();
  }

  HttpResponse<Buffer> order(String id, String name) throws Exception {
    JsonObject h = f.g.lookup(id, name);
    return f.g.post("/api/v1/orders", new JsonObject().put("householdRef", h.getJsonObject("household").getString("ref"))
        .put("channel", "wechat").put("mode", "qr").put("items", new JsonArray().add(new JsonObject()
            .put("memberRef", TestGateway.ref(h, id)).put("insurance", "medical").put("year", 2020))),
        "Idempotency-Key", UUID.randomUUID().toString());
  }

  HttpResponse<Buffer> operator(String method, String path, JsonObject body) throws Exception {
    var req = f.g.http.request(io.vertx.core.http.HttpMethod.valueOf(method), path).putHeader("Authorization", "Bearer " + finance);
    var sent = body == null ? req.send() : req.putHeader("Content-Type", "application/json").sendBuffer(body.toBuffer());
    return sent.toCompletionStage().toCompletableFuture().get();
  }

  JsonArray waiting() throws Exception {
    return operator("GET", "/api/v1/operator/handoff/agency-refunds", null).bodyAsJsonObject().getJsonArray("waiting");
  }

  /**
   * An agency's number in full-width digits, or in the legacy 15-digit form, is the person the roster has: it was answered
   * unknown-person, and the person's items stayed payable and their paid ones unrefunded.
   */
  @Test
  void anIdNumberInFullWidthDigitsOrTheLegacyFormIsThePersonOfTheRoster() throws Exception {
    String[] h = f.household("431103");
    StringBuilder wide = new StringBuilder();
    h[0].chars().forEach(ch -> wide.append(Character.isDigit(ch) ? (char) ('０' + ch - '0') : (char) ch));
    String legacy = h[1].substring(0, 6) + h[1].substring(8, 17); // born 1970 and 1972: the 15-digit form drops "19"
    Map.Entry<Integer, JsonObject> r = f.changes("ls-medical", change("DIED", wide.toString()), change("DIED", legacy),
        change("DIED", "12345"));
    assertThat(r.getKey()).as(r.getValue().encode()).isEqualTo(200);
    assertThat(answers(r.getValue())).containsExactly("applied", "applied", "refused");
    assertThat(r.getValue().getJsonArray("results").getJsonObject(2).getString("reason")).contains("or 15 for a legacy one");
    assertThat(medical(h[0], "赵一").getString("status")).isEqualTo("not-eligible");
    assertThat(medical(h[1], "钱二").getString("status")).isEqualTo("not-eligible");
  }

  @Test
  void aDeathMakesUnpaidItemsNotEligibleAndRefundsPaidOnesAfterTheDelay() throws Exception {
    String[] h = f.household("431103");
    JsonObject o = f.pay(h[0], "赵一", "alipay");
    String[] unpaid = f.household("431103");
    JsonObject c = change("DIED", unpaid[1]);
    Map.Entry<Integer, JsonObject> r = f.changes("ls-medical", c, change("DIED", h[1]));
    assertThat(r.getKey()).isEqualTo(200);
    assertThat(r.getValue().getJsonArray("results").stream().map(x -> ((JsonObject) x).getString("answer"))).containsOnly("applied");
    assertThat(f.changes("ls-medical", c).getValue().getJsonArray("results").getJsonObject(0).getString("answer")).isEqualTo("duplicate");

    JsonObject item = medical(unpaid[1], "钱二");
    assertThat(item.getString("status")).isEqualTo("not-eligible");
    assertThat(item.getString("reason")).contains("身故");
    HttpResponse<Buffer> refused = order(unpaid[1], "钱二");
    assertThat(refused.statusCode()).isEqualTo(422);
    assertThat(refused.bodyAsString()).contains("身故");

    // the paid one waits for its delay, visible to operators, and is still paid meanwhile
    assertThat(medical(h[1], "钱二").getString("status")).isEqualTo("paid");
    assertThat(waiting().stream().map(x -> ((JsonObject) x).getString("orderId"))).contains(o.getString("id"));
    f.g.clock.advance(Duration.ofMinutes(61));
    Eventually.until("the refund carried out", () -> f.count("select count(*) from refund where order_id = '" + o.getString("id")
        + "' and reason = 'death'") == 1);
    Eventually.until("its reversal accepted", () -> f.count("select count(*) from handoff_record where order_id = '"
        + o.getString("id") + "' and kind = 'REVERSAL' and state = 'ACCEPTED'") == 1);
    assertThat(medical(h[1], "钱二").getString("status")).isEqualTo("not-eligible");
    assertThat(medical(h[0], "赵一").getString("status")).isEqualTo("paid");
    assertThat(f.count("select count(*) from audit_log where action = 'agency.refund'")).isPositive();
  }

  /** The household's medical order taken, not yet paid. */
  JsonObject taken(String[] h) throws Exception {
    HttpResponse<Buffer> taken = f.g.orderUnpaidMedical(f.g.lookup(h[0], "赵一"), "wechat", "qr");
    assertThat(taken.statusCode()).as(taken.bodyAsString()).isEqualTo(201);
    return taken.bodyAsJsonObject();
  }

  /**
   * The order is taken, the agency says the person died, then the payer pays: the change found nothing paid to plan a
   * refund for, so the payment plans it, and the money goes back after the delay as for an order paid before.
   */
  @Test
  void aDeathThatCameWhileTheOrderWasBeingPaidIsRefundedAsOneThatCameAfter() throws Exception {
    String[] h = f.household("431103");
    JsonObject o = taken(h);
    assertThat(f.changes("ls-medical", change("DIED", h[0])).getValue().getJsonArray("results").getJsonObject(0)
        .getString("answer")).isEqualTo("applied");
    f.g.gateway.demo().sandbox().pay(o.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get();
    f.g.awaitState(o.getString("id"), "PAID");
    assertThat(waiting().stream().map(x -> ((JsonObject) x).getString("orderId"))).contains(o.getString("id"));
    f.g.clock.advance(Duration.ofMinutes(61));
    Eventually.until("the refund carried out", () -> f.count("select count(*) from refund where order_id = '" + o.getString("id")
        + "' and reason = 'death'") == 1);
    Eventually.until("its reversal sent", () -> f.count("select count(*) from handoff_record where order_id = '"
        + o.getString("id") + "' and kind = 'REVERSAL'") == 1);
  }

  /**
   * A change still being applied when the payment is settled: the payment waits for it (both bump the household) and
   * then plans the refund it says. The change is written here in a transaction of the test's, held open until the
   * payment waits on it.
   */
  @Test
  void aChangeCommittedWhileThePaymentWaitedOnItIsPlannedByThePayment() throws Exception {
    String[] h = f.household("431103");
    JsonObject o = taken(h);
    long person = f.count("select min(person_id) from order_item where order_id = '" + o.getString("id") + "'");
    try (java.sql.Connection c = f.g.db.connect(); java.sql.Statement st = c.createStatement()) {
      c.setAutoCommit(false);
      st.execute("insert into agency_change (change_id, person_id, kind, insurance, year, received_at, source) values ('agency"
          + " ls-medical:held-" + UUID.randomUUID() + "', " + person + ", 'DIED', 'medical', 2020, now(), 'agency ls-medical')");
      var paying = f.g.gateway.demo().sandbox().pay(o.getString("outTradeNo")).toCompletionStage().toCompletableFuture();
      Eventually.until("the payment waiting for the change", () -> f.count("select count(*) from pg_stat_activity where"
          + " datname = current_database() and wait_event_type = 'Lock'") > 0);
      c.commit();
      paying.get(30, java.util.concurrent.TimeUnit.SECONDS);
    }
    f.g.awaitState(o.getString("id"), "PAID");
    assertThat(f.count("select count(*) from agency_refund where order_id = '" + o.getString("id") + "' and reason = 'death'"))
        .isEqualTo(1);
  }

  /** Each agency numbers its own changes: another agency's change of the same id is another change, applied. */
  @Test
  void twoAgenciesChangesOfOneIdAreTwoChanges() throws Exception {
    String[] here = f.household("431103");
    String[] there = f.household("320682");
    String id = "1001-" + UUID.randomUUID();
    assertThat(f.changes("ls-medical", change("DIED", here[0]).put("changeId", id)).getValue().getJsonArray("results")
        .getJsonObject(0).getString("answer")).isEqualTo("applied");
    assertThat(f.changes("rg-medical", change("DIED", there[0]).put("changeId", id)).getValue().getJsonArray("results")
        .getJsonObject(0).getString("answer")).isEqualTo("applied");
    assertThat(TestGateway.member(f.g.lookup(there[0], "赵一"), there[0]).getJsonArray("insurances").stream()
        .map(o -> (JsonObject) o).filter(i -> i.getString("insurance").equals("medical")).findFirst().orElseThrow()
        .getString("status")).isEqualTo("not-eligible");
    // each agency's resend is still its own duplicate
    assertThat(f.changes("rg-medical", change("DIED", there[0]).put("changeId", id)).getValue().getJsonArray("results")
        .getJsonObject(0).getString("answer")).isEqualTo("duplicate");
    // and so is one an instance of the version before wrote under its bare id (during a rolling upgrade)
    String[] before = f.household("431103");
    String bare = "1002-" + UUID.randomUUID();
    long person = f.count("select min(id) from person where id not in (select person_id from agency_change)");
    try (java.sql.Connection c = f.g.db.connect(); java.sql.Statement st = c.createStatement()) {
      st.execute("insert into agency_change (change_id, person_id, kind, insurance, year, received_at, source) values ('" + bare
          + "', " + person + ", 'DIED', 'medical', 2020, now(), 'agency ls-medical')");
    }
    assertThat(f.changes("ls-medical", change("DIED", before[0]).put("changeId", bare)).getValue().getJsonArray("results")
        .getJsonObject(0).getString("answer")).isEqualTo("duplicate");
  }

  @Test
  void anOperatorStopsAWaitingRefundAndItIsNeverCarriedOut() throws Exception {
    String[] h = f.household("431103");
    JsonObject o = f.pay(h[0], "赵一", "wechat");
    assertThat(f.changes("ls-medical", change("EMPLOYEE_INSURANCE", h[0])).getKey()).isEqualTo(200);
    JsonObject w = waiting().stream().map(x -> (JsonObject) x).filter(x -> x.getString("orderId").equals(o.getString("id")))
        .findFirst().orElseThrow();
    assertThat(w.getString("idNumber")).isEqualTo(TestGateway.masked(h[0]));
    assertThat(w.getString("change")).isEqualTo("EMPLOYEE_INSURANCE");
    HttpResponse<Buffer> stop = operator("POST", "/api/v1/operator/handoff/agency-refunds/" + w.getLong("id") + "/stop",
        new JsonObject().put("reason", "the agency's list was wrong; confirmed by phone, 13812345678"));
    assertThat(stop.statusCode()).as(stop.bodyAsString()).isEqualTo(200);
    f.g.clock.advance(Duration.ofMinutes(61));
    // a later due refund is carried out, so the sweep has run past the stopped one
    String[] other = f.household("431103");
    JsonObject o2 = f.pay(other[0], "赵一", "wechat");
    f.changes("ls-medical", change("INSURED_ELSEWHERE", other[0]).put("place", "长沙市"));
    f.g.clock.advance(Duration.ofMinutes(61));
    Eventually.until("the other refund carried out", () -> f.count("select count(*) from refund where order_id = '"
        + o2.getString("id") + "'") == 1);
    assertThat(f.count("select count(*) from refund where order_id = '" + o.getString("id") + "'")).isZero();
    assertThat(f.count("select count(*) from audit_log where action = 'agency.refund.stop' and after is not null")).isEqualTo(1);
    // administrators read the audit log: the phone number in the reason is masked there
    assertThat(f.count("select count(*) from audit_log where action = 'agency.refund.stop' and after->>'reason' like"
        + " '%confirmed by phone, *******5678'")).isEqualTo(1);
    assertThat(f.count("select count(*) from audit_log where after::text like '%13812345678%'")).isZero();
    assertThat(medical(h[0], "赵一").getString("status")).isEqualTo("paid");
  }

  @Test
  void paidInAnotherCityIsExplainedInChineseAndTheOrderRefused() throws Exception {
    String[] h = f.household("431103");
    // looked up first, so that the gateway keeps the answer: the agency's word must replace it
    assertThat(medical(h[0], "赵一").getString("status")).isEqualTo("unpaid");
    f.changes("ls-medical", change("PAID_ELSEWHERE", h[0]).put("place", "长沙市岳麓区"));
    JsonObject item = medical(h[0], "赵一");
    assertThat(item.getString("status")).isEqualTo("not-eligible");
    assertThat(item.getString("reason")).contains("长沙市岳麓区", "2020", "不需要再缴");
    assertThat(order(h[0], "赵一").statusCode()).isEqualTo(422);
    assertThat(medical(h[1], "钱二").getString("status")).isEqualTo("unpaid");
  }

  /**
   * 赵一's medical paid, then 特困 arrives for him (the district pays all of it): after the delay the difference gives
   * back every fen he paid. His order.
   */
  JsonObject paidThenAllGivenBackAsTekun(String[] h) throws Exception {
    JsonObject o = f.pay(h[0], "赵一", "alipay");
    f.changes("ls-medical", change("CATEGORY", h[0]).put("category", "TEKUN").put("department", "民政").put("validFrom", "2019-01-01"));
    f.g.clock.advance(Duration.ofMinutes(61));
    Eventually.until("the difference refunded", () -> f.count("select count(*) from refund where order_id = '" + o.getString("id")
        + "' and reason = 'category-arrived'") == 1);
    assertThat(f.count("select amount_fen from refund where order_id = '" + o.getString("id") + "'")).as("all of the 250 yuan")
        .isEqualTo(25000L);
    return o;
  }

  @Test
  void aCategoryThatArrivedLateRefundsTheDifferenceAndTheItemStaysPaid() throws Exception {
    String[] h = f.household("431103");
    JsonObject o = paidThenAllGivenBackAsTekun(h);
    assertThat(f.count("select count(*) from handoff_record where order_id = '" + o.getString("id")
        + "' and kind = 'REVERSAL' and government_fen = 0")).isEqualTo(1);
    assertThat(medical(h[0], "赵一").getString("status")).isEqualTo("paid");
  }

  /**
   * A category that arrived late gave back every fen the person paid; then the agency says the person died. No money is
   * left to move, but the item is released and the agency gets the whole reversal, its government parts undone, once.
   */
  @Test
  void aDeathAfterADifferenceThatGaveBackEverythingStillUndoesTheItem() throws Exception {
    String[] h = f.household("431103");
    JsonObject o = paidThenAllGivenBackAsTekun(h);
    String order = "order_id = '" + o.getString("id") + "'";

    long held = f.count("select count(*) from reservation where " + order);
    f.changes("ls-medical", change("DIED", h[0]));
    f.g.clock.advance(Duration.ofMinutes(61));
    Eventually.until("the death carried out", () -> f.count("select count(*) from agency_refund where " + order
        + " and reason = 'death' and state = 'DONE'") == 1);
    assertThat(f.count("select count(*) from refund where " + order)).as("no money moved again").isEqualTo(1);
    // the whole reversal: no personal money, the contribution's other parts undone, under the whole item's number
    assertThat(f.count("select count(*) from handoff_record r join handoff_record c on c.kind = 'CONTRIBUTION'"
        + " and c.order_id = r.order_id and c.person_id = r.person_id and c.insurance = r.insurance where r." + order
        + " and r.kind = 'REVERSAL' and r.reason = 'death' and r.personal_fen = 0 and r.government_fen = c.government_fen"
        + " and r.subsidy_fen = c.subsidy_fen and r.later_fen = c.later_fen and r.refund_no not like '%D'")).isEqualTo(1);
    assertThat(f.count("select count(*) from reservation where " + order)).as("赵一's item released").isEqualTo(held - 1);
    assertThat(medical(h[0], "赵一").getString("status")).isEqualTo("not-eligible");
    assertThat(f.count("select count(*) from audit_log where action = 'agency.refund' and after->>'order' = '"
        + o.getString("id") + "' and after->>'amountFen' = '0' and subject not like '%D'")).isEqualTo(1);
    // the receipt says the item is undone: refunded whole, by a refund of nothing after the difference that gave it back
    JsonObject receipt = f.g.get("/api/v1/orders/" + o.getString("id") + "/receipt").bodyAsJsonObject();
    assertThat(receipt.getJsonArray("refunds").stream().map(x -> (JsonObject) x)
        .filter(x -> x.getLong("amountFen") == 0 && "death".equals(x.getString("reason")) && "ITEM".equals(x.getString("covers"))))
        .as(receipt.encodePrettily()).hasSize(1);
    assertThat(receipt.getJsonArray("items").stream().map(x -> (JsonObject) x)
        .filter(x -> "REFUNDED".equals(x.getString("status")) && x.getLong("refundedFen") == 25000L))
        .as(receipt.encodePrettily()).hasSize(1);
  }

  /** A later category that lowers the amount further gives back what the first difference did not, under a number of its own. */
  @Test
  void aSecondCategoryThatArrivedLateRefundsWhatTheFirstDifferenceDidNot() throws Exception {
    String[] h = f.household("431103");
    JsonObject o = f.pay(h[0], "赵一", "alipay");
    String refunds = "select count(*) from refund where order_id = '" + o.getString("id") + "' and reason = 'category-arrived'";
    f.changes("ls-medical", change("CATEGORY", h[0]).put("category", "POVERTY").put("department", "扶贫办").put("validFrom", "2019-01-01"));
    f.g.clock.advance(Duration.ofMinutes(61));
    Eventually.until("the first difference refunded", () -> f.count(refunds) == 1);
    long first = f.count("select amount_fen from refund where order_id = '" + o.getString("id") + "'");
    assertThat(first).as("part of the 250 yuan").isBetween(1L, 24999L);
    f.changes("ls-medical", change("CATEGORY", h[0]).put("category", "TEKUN").put("department", "民政").put("validFrom", "2019-01-01"));
    f.g.clock.advance(Duration.ofMinutes(61));
    Eventually.until("the second difference refunded", () -> f.count(refunds) == 2);
    assertThat(f.count("select sum(amount_fen) from refund where order_id = '" + o.getString("id") + "'")).as("all of it, once")
        .isEqualTo(25000L);
    assertThat(f.count("select count(*) from refund where order_id = '" + o.getString("id") + "' and out_refund_no like '%MD2'"))
        .isEqualTo(1);
    assertThat(f.count("select count(*) from handoff_record where order_id = '" + o.getString("id") + "' and kind = 'REVERSAL'"))
        .isEqualTo(2);
    assertThat(medical(h[0], "赵一").getString("status")).isEqualTo("paid");
  }

  @Test
  void aChangeNotSignedByAKnownReceiverChangesNothing() throws Exception {
    String[] h = f.household("431103");
    assertThat(f.changes("no-such-receiver", change("DIED", h[0])).getKey()).isEqualTo(401);
    assertThat(medical(h[0], "赵一").getString("status")).isEqualTo("unpaid");
    HttpResponse<Buffer> unsigned = f.g.post("/api/v1/agency/changes", new JsonObject().put("changes", new JsonArray()));
    assertThat(unsigned.statusCode()).isEqualTo(401);
    assertThat(unsigned.getHeader("Content-Type")).contains("problem+json");
  }

  @Test
  void aPersonOnTwoDepartmentsListsIsAssessedOnTheBestCategoryUntilAnOperatorChoosesOneWithAReason() throws Exception {
    String[] h = f.household("431103");
    var report = f.g.importCsv("two-lists.csv", String.join("\n", "department,category,id_number,name,valid_from,valid_to",
        "民政,DIBAO," + h[0] + ",赵一,2019-01-01,", "扶贫办,TEKUN," + h[0] + ",赵一,2019-01-01,") + "\n");
    assertThat(report.imported()).isEqualTo(2);
    assertThat(medical(h[0], "赵一").getString("status")).as("TEKUN is fully funded").isEqualTo("paid-by-government");
    String township = f.g.operatorToken(Role.TOWNSHIP, new Scope("431103", "黄阳司镇", null));
    var list = f.g.http.get("/api/v1/operator/cross-checks").putHeader("Authorization", "Bearer " + township).send()
        .toCompletionStage().toCompletableFuture().get().bodyAsJsonObject().getJsonArray("crossChecks");
    JsonObject flagged = list.stream().map(x -> (JsonObject) x).filter(x -> x.getString("idNumber").equals(TestGateway.masked(h[0])))
        .findFirst().orElseThrow();
    assertThat(flagged.getJsonArray("categories")).containsExactly("DIBAO", "TEKUN");
    assertThat(flagged.getJsonArray("departments")).containsExactlyInAnyOrder("民政", "扶贫办");
    String path = "/api/v1/operator/cross-checks/" + flagged.getString("memberRef") + "/resolve";
    var bad = f.g.http.post(path).putHeader("Authorization", "Bearer " + township).putHeader("Content-Type", "application/json")
        .sendBuffer(new JsonObject().put("category", "ORPHAN").put("reason", "x").toBuffer()).toCompletionStage().toCompletableFuture().get();
    assertThat(bad.statusCode()).isEqualTo(400);
    var ok = f.g.http.post(path).putHeader("Authorization", "Bearer " + township).putHeader("Content-Type", "application/json")
        .sendBuffer(new JsonObject().put("category", "DIBAO").put("reason", "扶贫办名单有误，已核实为低保，核实人电话13912345678").toBuffer())
        .toCompletionStage().toCompletableFuture().get();
    assertThat(ok.statusCode()).as(ok.bodyAsString()).isEqualTo(200);
    JsonObject now = medical(h[0], "赵一");
    assertThat(now.getString("status")).as("DIBAO in 冷水滩 pays in full first (先征后补)").isEqualTo("unpaid");
    assertThat(now.getLong("personalFen")).isEqualTo(25000L);
    assertThat(f.count("select count(*) from audit_log where action = 'cross-check.resolve' and after->>'category' = 'DIBAO'"
        + " and after->>'reason' like '%核实人电话*******5678'")).as("the phone number masked in the audit log").isEqualTo(1);
    // the agency is told the category chosen, not both lists' (the double funding the cross-check is there to prevent)
    JsonObject o = f.pay(h[0], "赵一", "wechat");
    String records = "select count(*) from handoff_record where kind = 'CONTRIBUTION' and order_id = '" + o.getString("id") + "'";
    assertThat(f.count(records + " and categories::text like '%DIBAO%'")).isEqualTo(1);
    assertThat(f.count(records + " and categories::text like '%TEKUN%'")).isZero();
  }

  @Test
  void theSameChangesComeFromAGb18030FileFinanceImports() throws Exception {
    String[] h = f.household("431103");
    String csv = "change_id,kind,id_number,insurance,year,category,department,valid_from,place\n"
        + "F-" + h[0].hashCode() + ",INSURED_ELSEWHERE," + h[0] + ",medical,2020,,,,湘潭市\n" + "F-bad,NO_SUCH_KIND," + h[1] + ",,,,,,\n"
        // a typo in one number (its check digit) is that row's refusal, not the file's
        + "F-typo,DIED," + h[1].substring(0, 17) + (h[1].charAt(17) == '1' ? '2' : '1') + ",medical,2020,,,,\n"
        // full-width digits, as a spreadsheet may export them: the same person
        + "F-wide,INSURED_ELSEWHERE," + h[1].chars().mapToObj(ch -> String.valueOf(Character.isDigit(ch) ? (char) ('０' + ch - '0')
            : (char) ch)).collect(java.util.stream.Collectors.joining()) + ",medical,2020,,,,长沙市\n";
    var r = f.g.http.post("/api/v1/operator/handoff/agency-changes?file=ybj-2019-12.csv")
        .putHeader("Authorization", "Bearer " + finance).putHeader("Content-Type", "text/csv")
        .sendBuffer(Buffer.buffer(csv.getBytes(java.nio.charset.Charset.forName("GB18030")))).toCompletionStage().toCompletableFuture().get();
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getJsonArray("results").stream().map(x -> ((JsonObject) x).getString("answer")))
        .containsExactly("applied", "refused", "refused", "applied");
    assertThat(r.bodyAsJsonObject().getJsonArray("results").getJsonObject(2).getString("reason")).contains("ID number");
    assertThat(medical(h[0], "赵一").getString("reason")).contains("湘潭市");
    assertThat(medical(h[1], "钱二").getString("reason")).as("not died: the typo named no one").contains("长沙市");
  }

  static java.util.List<String> answers(JsonObject reply) {
    return reply.getJsonArray("results").stream().map(x -> ((JsonObject) x).getString("answer")).toList();
  }

  /** A malformed change is refused with its reason before anything is looked up; the changes around it are applied. */
  @Test
  void aMalformedChangeIsRefusedAndTheOthersOfItsBatchAreApplied() throws Exception {
    String[] h = f.household("431103");
    String[] other = f.household("431103");
    JsonObject noKind = change("DIED", other[0]);
    noKind.remove("kind");
    JsonObject[] batch = {change("DIED", h[0]), change("DIED", other[0]).put("year", "2020"), noKind,
        change("CATEGORY", other[0]).put("category", "TEKUN").put("validFrom", "2019/01/01"), change("DIED", other[0]).put("insurance", 5),
        change("DIED", other[0]).put("changeId", 7), change("DIED", other[0]).put("place", new JsonObject()),
        // what PostgreSQL cannot store, refused for the change alone rather than failing the batch at every retry
        change("INSURED_ELSEWHERE", other[0]).put("place", "湘\u0000潭"),
        change("CATEGORY", other[0]).put("category", "TEKUN").put("validFrom", "+999999999-12-31"),
        change("DIED", other[0]).put("year", 99999),
        change("INSURED_ELSEWHERE", h[1]).put("place", "湘潭市")};
    Map.Entry<Integer, JsonObject> r = f.changes("ls-medical", batch);
    assertThat(r.getKey()).as(r.getValue().encode()).isEqualTo(200);
    assertThat(answers(r.getValue()))
        .containsExactly("applied", "refused", "refused", "refused", "refused", "refused", "refused", "refused", "refused",
            "refused", "applied");
    JsonArray results = r.getValue().getJsonArray("results");
    assertThat(results.getJsonObject(1).getString("reason")).contains("year");
    // the change's id is kept in clear as its key: one holding an ID number is refused, never stored
    Map.Entry<Integer, JsonObject> named = f.changes("ls-medical", change("DIED", h[1]).put("changeId", "DIED-" + h[1]));
    assertThat(answers(named.getValue())).containsExactly("refused");
    assertThat(named.getValue().getJsonArray("results").getJsonObject(0).getString("reason")).contains("must not hold an ID number");
    assertThat(f.count("select count(*) from agency_change where change_id like '%" + h[1] + "%'")).isZero();
    assertThat(results.getJsonObject(2).getString("reason")).contains("kind");
    assertThat(results.getJsonObject(3).getString("reason")).contains("validFrom");
    assertThat(results.getJsonObject(4).getString("reason")).contains("insurance");
    assertThat(results.getJsonObject(5).getString("reason")).contains("changeId");
    assertThat(results.getJsonObject(6).getString("reason")).contains("place");
    assertThat(results.getJsonObject(7).getString("reason")).isEqualTo("place must not hold a NUL character");
    assertThat(results.getJsonObject(8).getString("reason")).contains("validFrom");
    assertThat(results.getJsonObject(9).getString("reason")).contains("year");
    assertThat(results.getJsonObject(1).getString("changeId")).isEqualTo(batch[1].getString("changeId"));
    assertThat(results.encode()).doesNotContain("java.", "Exception");
    assertThat(medical(h[0], "赵一").getString("reason")).contains("身故");
    assertThat(medical(h[1], "钱二").getString("reason")).contains("湘潭市");
    assertThat(medical(other[0], "赵一").getString("status")).as("no malformed change applied").isEqualTo("unpaid");
    assertThat(f.count("select count(*) from agency_change where change_id in ('" + batch[1].getString("changeId") + "', '"
        + batch[3].getString("changeId") + "', '" + batch[4].getString("changeId") + "')")).isZero();
    // the agency sends the batch again: the same answers, the applied ones now duplicates
    assertThat(answers(f.changes("ls-medical", batch).getValue()))
        .containsExactly("duplicate", "refused", "refused", "refused", "refused", "refused", "refused", "refused", "refused",
            "refused", "duplicate");
  }

  @Test
  void anIdNumberNotSealedWithTheMessageKeyIsRefusedForItsChangeAlone() throws Exception {
    String[] h = f.household("431103");
    byte[] key = AgencyEnvelope.newKey();
    JsonArray changes = new JsonArray().add(change("DIED", h[0]).put("idNumber", 5)).add(change("DIED", h[0]).put("idNumber", "not sealed"))
        .add(change("DIED", h[0]).put("idNumber", AgencyEnvelope.seal(AgencyEnvelope.newKey(), h[0])))
        .add(change("DIED", h[0]).put("idNumber", null)).add(change("DIED", h[1]).put("idNumber", AgencyEnvelope.seal(key, h[1])));
    HttpResponse<Buffer> r = f.signed("ls-medical", new JsonObject().put("key", AgencyEnvelope.wrap(f.gatewayKey(), key))
        .put("changes", changes).encode());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(answers(r.bodyAsJsonObject())).containsExactly("refused", "refused", "refused", "refused", "applied");
    assertThat(r.bodyAsJsonObject().getJsonArray("results").getJsonObject(0).getString("reason")).contains("idNumber");
    assertThat(medical(h[0], "赵一").getString("status")).isEqualTo("unpaid");
    assertThat(medical(h[1], "钱二").getString("status")).isEqualTo("not-eligible");
  }

  /** A message not shaped as documented is a 400 with a fixed text: no Java class or exception text reaches the agency. */
  @Test
  void aMessageNotShapedAsDocumentedIsA400WithAFixedText() throws Exception {
    String key = "\"" + AgencyEnvelope.wrap(f.gatewayKey(), AgencyEnvelope.newKey()) + "\"";
    Map<String, String> messages = new java.util.LinkedHashMap<>();
    messages.put("{\"key\":" + key + ",\"changes\":[\"x\"]}", "changes");
    messages.put("{\"key\":" + key + ",\"changes\":[{}, 5]}", "changes");
    messages.put("{\"key\":" + key + ",\"changes\":null}", "changes");
    messages.put("{\"key\":" + key + ",\"changes\":{}}", "changes");
    messages.put("{\"key\":" + key + "}", "changes");
    messages.put("{\"key\":5,\"changes\":[]}", "key");
    messages.put("{\"changes\":[]}", "key");
    messages.put("{\"key\":\"bm90IGEga2V5\",\"changes\":[]}", "key");
    messages.put("[]", null);
    messages.put("null", null);
    messages.put("not json", null);
    messages.put("", null);
    for (Map.Entry<String, String> m : messages.entrySet()) {
      HttpResponse<Buffer> r = f.signed("ls-medical", m.getKey());
      assertThat(r.statusCode()).as(m.getKey() + ": " + r.bodyAsString()).isEqualTo(400);
      assertThat(r.getHeader("Content-Type")).as(m.getKey()).contains("problem+json");
      JsonObject p = r.bodyAsJsonObject();
      assertThat(p.getString("detail")).as(m.getKey()).isNotBlank().doesNotContain("java.", "class ", "Exception", "null", "Cannot");
      assertThat(p.getString("field")).as(m.getKey()).isEqualTo(m.getValue());
    }
  }

  /** A file's cell that cannot be read is a 400 naming its line and column, and the file changes nothing. */
  @Test
  void aFilesUnreadableCellIsA400NamingItsLineAndColumnAndChangesNothing() throws Exception {
    String[] h = f.household("431103");
    String head = "change_id,kind,id_number,insurance,year,category,department,valid_from,place\n";
    HttpResponse<Buffer> r = importFile(head + "V-" + h[0].hashCode() + ",DIED," + h[0] + ",medical,2020,,,,\n"
        + "V-" + h[1].hashCode() + ",CATEGORY," + h[1] + ",medical,2020,TEKUN,民政,2019/01/01,\n");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
    assertThat(r.getHeader("Content-Type")).contains("problem+json");
    assertThat(r.bodyAsJsonObject().getString("field")).isEqualTo("valid_from");
    assertThat(r.bodyAsJsonObject().getString("detail")).contains("line 3");
    assertThat(medical(h[0], "赵一").getString("status")).isEqualTo("unpaid");
    // a category without a department is the agency's; a file without a kind column is refused line by line
    JsonObject o = f.pay(h[1], "钱二", "wechat");
    HttpResponse<Buffer> category = importFile(head + "W-" + h[1].hashCode() + ",CATEGORY," + h[1] + ",medical,2020,TEKUN,,2019-01-01,\n");
    assertThat(category.statusCode()).as(category.bodyAsString()).isEqualTo(200);
    assertThat(answers(category.bodyAsJsonObject())).containsExactly("applied");
    assertThat(f.count("select count(*) from agency_refund where order_id = '" + o.getString("id") + "'")).isPositive();
    // (a trailing comma, as spreadsheets write, is no column)
    HttpResponse<Buffer> noKind = importFile("change_id,kind,id_number,insurance,year,\nN-" + h[0].hashCode() + ",," + h[0] + ",medical,2020,\n");
    assertThat(noKind.statusCode()).as(noKind.bodyAsString()).isEqualTo(200);
    assertThat(answers(noKind.bodyAsJsonObject())).containsExactly("refused");
    assertThat(medical(h[0], "赵一").getString("status")).isEqualTo("paid");
    // a column misspelled, or one it must have missing, would widen a change to every year and insurance: the file is
    // refused, naming the column, and nothing of it applied
    for (String[] bad : new String[][] {{"change_id,kind,id_number,insurance,yaer\n", "unknown column 'yaer'"},
        {"change_id,id_number,insurance,year\n", "the column kind is missing"}}) {
      HttpResponse<Buffer> refused = importFile(bad[0] + "B-" + h[0].hashCode() + ",DIED," + h[0] + ",medical,2020\n");
      assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(400);
      assertThat(refused.bodyAsJsonObject().getString("detail")).contains(bad[1]);
    }
    assertThat(f.count("select count(*) from agency_change where change_id like '%:B-" + h[0].hashCode() + "'")).isZero();
    assertThat(medical(h[0], "赵一").getString("status")).isEqualTo("paid");
  }

  /**
   * An agency's file releases paid items and plans their refunds: finance imports it, an administrator (who moves no money)
   * may not, and each change applied names the account that imported it in the audit log.
   */
  @Test
  void onlyFinanceImportsAFileAndEachChangeNamesTheAccount() throws Exception {
    String[] h = f.household("431103");
    JsonObject o = f.pay(h[0], "赵一", "wechat");
    String row = "change_id,kind,id_number,insurance,year\nD-" + h[0].hashCode() + ",DIED," + h[0] + ",medical,2020\n";
    for (String token : java.util.List.of(f.g.adminToken(), f.g.operatorToken(Role.TOWNSHIP, new Scope("431103", "黄阳司镇", null)))) {
      HttpResponse<Buffer> r = f.g.http.post("/api/v1/operator/handoff/agency-changes?file=c.csv").putHeader("Authorization", "Bearer " + token)
          .putHeader("Content-Type", "text/csv").sendBuffer(Buffer.buffer(row)).toCompletionStage().toCompletableFuture().get();
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(403);
    }
    assertThat(f.count("select count(*) from agency_refund where order_id = '" + o.getString("id") + "'")).isZero();
    assertThat(medical(h[0], "赵一").getString("status")).isEqualTo("paid");

    String clerk = f.g.operatorToken(Role.FINANCE, new Scope("431103", null, null));
    HttpResponse<Buffer> r = f.g.http.post("/api/v1/operator/handoff/agency-changes?file=c.csv").putHeader("Authorization", "Bearer " + clerk)
        .putHeader("Content-Type", "text/csv").sendBuffer(Buffer.buffer(row)).toCompletionStage().toCompletableFuture().get();
    assertThat(answers(r.bodyAsJsonObject())).as(r.bodyAsString()).containsExactly("applied");
    assertThat(f.count("select count(*) from agency_refund where order_id = '" + o.getString("id") + "'")).isPositive();
    // the person by their row's number: the change's own id (here holding the ID number, as an agency's may) is not copied
    assertThat(f.count("select count(*) from audit_log a join operator_account x on x.username = a.actor where x.role = 'FINANCE'"
        + " and a.action = 'agency.change' and a.subject = 'person ' || (select person_id from agency_change"
        + " where change_id = 'operator 431103:D-" + h[0].hashCode() + "') and a.after->>'kind' = 'DIED'")).isEqualTo(1);
    assertThat(f.count("select count(*) from audit_log where action = 'agency.change' and (subject like '%" + h[0].substring(6, 14)
        + "%' or after::text like '%" + h[0].substring(6, 14) + "%')")).isZero();
  }

  /**
   * The same agency's file imported by the district's finance and by the whole province's: applied once, the second a
   * duplicate (its ids are kept under the district of the person they are about, whoever imports them); so is a file an
   * operator imported before ids were kept per district, imported again now.
   */
  @Test
  void aFileImportedByTheDistrictAndByTheProvinceIsAppliedOnce() throws Exception {
    String[] h = f.household("431103");
    String csv = "change_id,kind,id_number,insurance,year,category,department,valid_from,place\n"
        + "P-" + h[0].hashCode() + ",INSURED_ELSEWHERE," + h[0] + ",medical,2020,,,,湘潭市\n";
    String district = f.g.operatorToken(Role.FINANCE, new Scope("431103", null, null));
    for (String[] who : new String[][] {{district, "applied"}, {finance, "duplicate"}, {district, "duplicate"}}) {
      HttpResponse<Buffer> r = f.g.http.post("/api/v1/operator/handoff/agency-changes?file=m.csv").putHeader("Authorization", "Bearer " + who[0])
          .putHeader("Content-Type", "text/csv").sendBuffer(Buffer.buffer(csv)).toCompletionStage().toCompletableFuture().get();
      assertThat(answers(r.bodyAsJsonObject())).as(r.bodyAsString()).containsExactly(who[1]);
    }
    // imported before the upgrade, under its bare id, by an administrator's file
    String[] old = f.household("431103");
    try (java.sql.Connection c = f.g.db.connect(); java.sql.PreparedStatement st = c.prepareStatement(
        "insert into agency_change (change_id, person_id, kind, insurance, year, received_at, source)"
            + " select 'O-" + old[0].hashCode() + "', id, 'INSURED_ELSEWHERE', 'medical', 2020, now(), 'file ybj-2019-11.csv by admin'"
            + " from person where id_index = ?")) {
      st.setBytes(1, f.g.gateway.cipher().index(old[0]));
      assertThat(st.executeUpdate()).isEqualTo(1);
    }
    HttpResponse<Buffer> again = importFile("change_id,kind,id_number,insurance,year\nO-" + old[0].hashCode() + ",INSURED_ELSEWHERE," + old[0]
        + ",medical,2020\n");
    assertThat(answers(again.bodyAsJsonObject())).as(again.bodyAsString()).containsExactly("duplicate");
    // another district's file with that same old id, about one of its own people: another change, applied
    String[] there = f.household("320682");
    HttpResponse<Buffer> elsewhere = f.g.http.post("/api/v1/operator/handoff/agency-changes?file=m.csv")
        .putHeader("Authorization", "Bearer " + f.g.operatorToken(Role.FINANCE, new Scope("320682", null, null)))
        .putHeader("Content-Type", "text/csv").sendBuffer(Buffer.buffer("change_id,kind,id_number,insurance,year\nO-" + old[0].hashCode()
            + ",INSURED_ELSEWHERE," + there[0] + ",medical,2020\n")).toCompletionStage().toCompletableFuture().get();
    assertThat(answers(elsewhere.bodyAsJsonObject())).as(elsewhere.bodyAsString()).containsExactly("applied");
  }

  /** A file's ID number in a spreadsheet's full-width digits is the same person's. */
  @Test
  void aFilesFullWidthIdNumberIsTheSamePerson() throws Exception {
    String[] h = f.household("431103");
    StringBuilder wide = new StringBuilder();
    h[0].chars().forEach(ch -> wide.append((char) (ch >= '0' && ch <= '9' || ch == 'X' ? ch - 0x21 + 0xFF01 : ch)));
    HttpResponse<Buffer> r = importFile("change_id,kind,id_number,insurance,year,category,department,valid_from,place\n"
        + "W-" + h[0].hashCode() + ",INSURED_ELSEWHERE," + wide + ",medical,2020,,,,湘潭市\n");
    assertThat(answers(r.bodyAsJsonObject())).as(r.bodyAsString()).containsExactly("applied");
    assertThat(medical(h[0], "赵一").getString("reason")).contains("湘潭市");
  }

  /** Two districts number their files' changes each their own way: the same id from both is two changes, both applied. */
  @Test
  void twoDistrictsFilesWithTheSameChangeIdAreBothApplied() throws Exception {
    String[] here = f.household("431103");
    String[] there = f.household("320682");
    String head = "change_id,kind,id_number,insurance,year,category,department,valid_from,place\n";
    for (String[] d : new String[][] {{"431103", here[0]}, {"320682", there[0]}}) {
      String token = f.g.operatorToken(Role.FINANCE, new Scope(d[0], null, null));
      HttpResponse<Buffer> r = f.g.http.post("/api/v1/operator/handoff/agency-changes?file=c.csv").putHeader("Authorization", "Bearer " + token)
          .putHeader("Content-Type", "text/csv").sendBuffer(Buffer.buffer(head + "7,INSURED_ELSEWHERE," + d[1] + ",medical,2020,,,,湘潭市\n"))
          .toCompletionStage().toCompletableFuture().get();
      assertThat(answers(r.bodyAsJsonObject())).as(r.bodyAsString()).containsExactly("applied");
    }
    assertThat(medical(here[0], "赵一").getString("reason")).contains("湘潭市");
    assertThat(medical(there[0], "赵一").getString("reason")).contains("湘潭市");
  }

  HttpResponse<Buffer> importFile(String csv) throws Exception {
    return f.g.http.post("/api/v1/operator/handoff/agency-changes?file=changes.csv").putHeader("Authorization", "Bearer " + finance)
        .putHeader("Content-Type", "text/csv").sendBuffer(Buffer.buffer(csv)).toCompletionStage().toCompletableFuture().get();
  }
}
