package cn.liangxian.gateway.books;

import static cn.liangxian.gateway.support.TestGateway.ref;
import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.TestInstance;

/**
 * Two books of one region live at once (河东区 2020 and a 2021 book made from it): on 2020-01-15 the 2020
 * medical insurance is still paid at the personal rate (000 三(二)3, until 2020-02-29) while the 2021
 * collection is open; the lookup shows both years, and one order pays both, each from its own book.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BooksPerYearTest {
  TestGateway g;
  @TempDir
  static Path dir;

  @BeforeAll
  void start() throws Exception {
    Path next = dir.resolve("hedong-2021.yaml");
    Files.writeString(next, nextYear(Files.readString(TestGateway.repo().resolve("config/policies/hedong-2020.yaml"))));
    String config = Files.readString(TestGateway.repo().resolve("config/gateway.yaml")).replace(
        "{code: \"371312\", book: hedong-2020.yaml, payDate: 2019-12-15}",
        "{code: \"371312\", books: [hedong-2020.yaml, \"" + next + "\"]}");
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(file, config);
    g = Fixture.load(new TestGateway(Map.of("GATEWAY_CONFIG", file.toString())));
    g.clock.advance(Duration.ofDays(31)); // 2020-01-15 in China
  }

  /**
   * The 2021 book: the 2020 one a year later, with a personal medical amount of 280 yuan, a tier-300 pension
   * subsidy of 35 yuan, and its collection opened early (2020-01-10) so that both years are open on one day.
   */
  static String nextYear(String book) {
    return TestGateway.aYearLater(book).replace("start: 2020-12-08", "start: 2020-01-10").replace("personal: {yuan: 250", "personal: {yuan: 280")
        .replace("{tier: 300, yuan: 30}", "{tier: 300, yuan: 35}");
  }

  @AfterAll
  void stop() throws Exception {
    g.close();
  }

  @Test
  void theLookupShowsWhatIsDueForEachOpenYearFromThatYearsBook() throws Exception {
    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    assertThat(h.getString("payDate")).isEqualTo("2020-01-15");
    JsonArray items = TestGateway.member(h, Fixture.ZHANG).getJsonArray("insurances");
    assertThat(items.stream().map(o -> ((JsonObject) o).getString("insurance") + " " + ((JsonObject) o).getInteger("year")))
        .containsExactly("medical 2020", "medical 2021", "pension 2020", "pension 2021");
    assertThat(item(items, "medical", 2020).getLong("personalFen")).isEqualTo(25000);
    assertThat(item(items, "medical", 2021).getLong("personalFen")).isEqualTo(28000);
    JsonObject medical = h.getJsonObject("totals").getJsonObject("medical");
    assertThat(medical.getJsonArray("years").stream().map(o -> ((JsonObject) o).getLong("dueFen")))
        .as("张三, 李四 and the child each year; the grandmother is paid for").containsExactly(75000L, 84000L);
    assertThat(medical.getLong("dueFen")).isEqualTo(159000);
    assertThat(medical.getInteger("year")).isEqualTo(2021);
  }

  @Test
  void oneOrderPaysItemsOfTwoYearsEachPricedFromItsYearsBook() throws Exception {
    JsonObject h = g.lookup(Fixture.LI, "李四");
    // this year's medical insurance for the family (000 五2: the whole household) and next year's pension for 李四
    JsonArray items = new JsonArray();
    for (String id : List.of(Fixture.ZHANG, Fixture.LI, Fixture.CHILD)) {
      items.add(item(h, id, "medical", 2020, null));
    }
    items.add(item(h, Fixture.LI, "pension", 2021, 300));
    JsonObject first = created(h, items);
    assertThat(first.getLong("totalFen")).isEqualTo(3 * 25000 + 30000);
    assertThat(line(first, "pension", 2021).getLong("subsidyFen")).as("the 2021 book's subsidy of the 300 tier").isEqualTo(3500);

    // next year's medical insurance (the 2021 book's 280 yuan) and this year's pension, paid during the year itself
    JsonArray second = new JsonArray();
    for (String id : List.of(Fixture.ZHANG, Fixture.LI, Fixture.CHILD)) {
      second.add(item(h, id, "medical", 2021, null));
    }
    second.add(item(h, Fixture.LI, "pension", 2020, 300));
    JsonObject other = created(h, second);
    assertThat(other.getLong("totalFen")).isEqualTo(3 * 28000 + 30000);
    assertThat(line(other, "pension", 2020).getLong("subsidyFen"))
        .as("paid during 2020: the year itself, not 下年度补缴, keeps its subsidy (000 三(一)2(6))").isEqualTo(3000);

    // the household now shows every one of those items held by an order, each in its year
    JsonObject after = g.lookup(Fixture.LI, "李四");
    assertThat(TestGateway.member(after, Fixture.LI).getJsonArray("insurances").stream()
        .map(o -> ((JsonObject) o).getString("status"))).containsOnly("in-progress");
  }

  @Test
  void oneMembersInsuranceIsPaidForOneYearPerOrder() throws Exception {
    JsonObject h = g.lookup(Fixture.GRANNY, "王奶奶");
    HttpResponse<Buffer> r = g.post("/api/v1/orders", new JsonObject().put("householdRef", h.getJsonObject("household")
        .getString("ref")).put("channel", "wechat").put("mode", "qr").put("items", new JsonArray()
        .add(item(h, Fixture.ZHANG, "pension", 2020, 300)).add(item(h, Fixture.ZHANG, "pension", 2021, 300))),
        "Idempotency-Key", UUID.randomUUID().toString());
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("developerDetail")).contains("a second order");
  }

  static JsonObject item(JsonObject h, String id, String insurance, int year, Integer tier) {
    JsonObject o = new JsonObject().put("memberRef", ref(h, id)).put("insurance", insurance).put("year", year);
    return tier == null ? o : o.put("tier", tier);
  }

  JsonObject created(JsonObject h, JsonArray items) throws Exception {
    HttpResponse<Buffer> r = g.post("/api/v1/orders", new JsonObject().put("householdRef", h.getJsonObject("household")
        .getString("ref")).put("channel", "wechat").put("mode", "qr").put("items", items),
        "Idempotency-Key", UUID.randomUUID().toString());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject();
  }

  static JsonObject line(JsonObject order, String insurance, int year) {
    return order.getJsonArray("items").stream().map(o -> (JsonObject) o)
        .filter(l -> l.getString("insurance").equals(insurance) && l.getInteger("year") == year).findFirst().orElseThrow();
  }

  @Test
  void aYearNoBookOpensIsRefused() throws Exception {
    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    HttpResponse<Buffer> r = g.post("/api/v1/orders", new JsonObject().put("householdRef", h.getJsonObject("household")
        .getString("ref")).put("channel", "wechat").put("mode", "qr").put("items", new JsonArray()
        .add(new JsonObject().put("memberRef", ref(h, Fixture.ZHANG)).put("insurance", "pension").put("year", 2022)
            .put("tier", 300))), "Idempotency-Key", UUID.randomUUID().toString());
    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(r.bodyAsJsonObject().getString("developerDetail")).contains("2020 and 2021");
  }

  static JsonObject item(JsonArray items, String insurance, int year) {
    return items.stream().map(o -> (JsonObject) o)
        .filter(i -> i.getString("insurance").equals(insurance) && i.getInteger("year") == year).findFirst().orElseThrow();
  }
}
