package cn.liangxian.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Residents read Chinese: every problem type the resident-facing routes can raise has a Chinese title and
 * detail, the {@code type} stays the stable English URL, and the refusals a resident meets most (a mistyped ID
 * number, a wrong name, the whole-family rule, a member already paid, a child too young for the pension) say
 * in Chinese what to do. Operators' routes keep their English.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResidentProblemsTest {
  /** The packages whose problems reach the resident-facing routes (lookup, orders, receipts, and the shared HTTP layer). */
  static final List<String> RESIDENT_PACKAGES = List.of("lookup", "order", "receipt", "http", "kiosk/KioskAuth.java");
  static final Pattern SLUG = Pattern.compile("(?:new Problem\\(\\s*\\d+,\\s*|Problem\\.(?:badRequest|notFound|conflict|unprocessable)\\(\\s*)\"([a-z0-9-]+)\"");

  TestGateway g;

  @BeforeAll
  void start() throws Exception {
    g = Fixture.load(new TestGateway());
  }

  @AfterAll
  void stop() throws Exception {
    g.close();
  }

  @Test
  void everyProblemTypeRaisedForResidentsHasChineseTitleAndDetail() throws Exception {
    Path main = TestGateway.repo().resolve("gateway/src/main/java/cn/liangxian/gateway");
    Set<String> slugs = new TreeSet<>(Set.of("invalid-request", "malformed-json")); // Problem.invalidField, malformedJson
    for (String pkg : RESIDENT_PACKAGES) {
      try (Stream<Path> files = Files.walk(main.resolve(pkg))) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          Matcher m = SLUG.matcher(Files.readString(f));
          while (m.find()) {
            slugs.add(m.group(1));
          }
        }
      }
    }
    assertThat(slugs).hasSizeGreaterThan(25).contains("whole-family", "already-paid", "invalid-id-number");
    List<String> missing = new ArrayList<>();
    for (String slug : slugs) {
      JsonObject p = new Problem(400, slug, "English title", "english detail").toJson("/api/v1/orders", true);
      if (!ResidentTexts.TEXTS.containsKey(slug) || !chinese(p.getString("title")) || !chinese(p.getString("detail"))) {
        missing.add(slug);
      }
      assertThat(p.getString("type")).isEqualTo(Problem.TYPE_BASE + slug);
      assertThat(p.getString("developerDetail")).isEqualTo("english detail");
    }
    assertThat(missing).as("problem types without Chinese for residents").isEmpty();
  }

  @Test
  void refusalsOnResidentRoutesAreInChinese() throws Exception {
    String wrongCheck = Fixture.CHEN.substring(0, 17) + (Fixture.CHEN.charAt(17) == '0' ? '1' : '0');
    assertChinese(g.post("/api/v1/lookup", new JsonObject().put("idNumber", wrongCheck).put("name", "陈一")),
        400, "invalid-id-number", "校验位");
    assertChinese(g.post("/api/v1/lookup", new JsonObject().put("idNumber", Fixture.CHEN).put("name", "陈二")),
        404, "household-not-found", "核对");
    assertChinese(g.postRaw("/api/v1/lookup", "application/json", Buffer.buffer("{\"idNumber\":")), 400, "malformed-json", null);
    assertChinese(g.post("/api/v1/lookup", new JsonObject().put("idNumber", Fixture.CHEN).put("nmae", "陈一")),
        400, "invalid-request", null);
    assertChinese(g.get("/api/v1/orders/not-an-order"), 404, "order-not-found", null);
    // the same route reached through a path with empty or dot segments, as the router resolves it
    String me = g.bearer(TestGateway.DEFAULT_RESIDENT);
    assertChinese(g.get("//api/v1/orders/not-an-order", "Authorization", me), 404, "order-not-found", null);
    assertChinese(g.get("/./api/v1/orders/not-an-order", "Authorization", me), 404, "order-not-found", null);
    assertChinese(g.get("/api/v1/orders/" + UUID.randomUUID() + "/receipt"), 404, "order-not-found", null);

    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    String household = h.getJsonObject("household").getString("ref");
    // one member's medical where the book requires the whole household (000 五2)
    assertChinese(order(household, new JsonArray().add(item(TestGateway.ref(h, Fixture.ZHANG), "medical", null)), "k1"),
        422, "whole-family", "全家");
    // a child of ten cannot join the pension
    assertChinese(order(household, new JsonArray().add(item(TestGateway.ref(h, Fixture.CHILD), "pension", 100)), "k2"),
        422, "not-payable", "张*明本年度不能缴养老保险");
    assertChinese(g.post("/api/v1/orders", new JsonObject().put("householdRef", household).put("channel", "wechat")
        .put("mode", "qr").put("items", new JsonArray())), 400, "idempotency-key-required", null);
    // already paid
    g.awaitState(g.payWholeHousehold(Fixture.LIU1, "刘一", "medical", 2020, "wechat").getString("id"), "PAID");
    JsonObject liu = g.lookup(Fixture.LIU1, "刘一");
    assertChinese(order(liu.getJsonObject("household").getString("ref"),
        new JsonArray().add(item(TestGateway.ref(liu, Fixture.LIU1), "medical", null)), "k3"), 409, "already-paid", "已缴费");

    // a login channel there is not: where to log in, in Chinese
    assertChinese(g.post("/api/v1/session/unionpay", new JsonObject().put("code", "x")), 404, "no-such-login", "微信");

    // not logged in: where to log in, in words a resident knows; the API's paths are for developers only
    HttpResponse<Buffer> anonymous = g.http.get("/api/v1/orders/" + UUID.randomUUID()).send().toCompletionStage().toCompletableFuture().get();
    assertChinese(anonymous, 401, "login-required", "微信或支付宝小程序");
    assertThat(anonymous.bodyAsJsonObject().getString("detail")).doesNotContain("/api/", "POST");
    assertThat(anonymous.bodyAsJsonObject().getString("developerDetail")).contains("POST /api/v1/session/wechat");

    // an operator's route answers in English, as before
    HttpResponse<Buffer> op = g.postRaw("/api/v1/operator/login", "application/json", Buffer.buffer("{"));
    assertThat(op.bodyAsJsonObject().getString("title")).isEqualTo("Request body is not valid JSON");
  }

  @Test
  void aBrowserAskingForAPageThereIsNotIsShownOneInChinese() throws Exception {
    String browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    for (String path : List.of("/", "/r/", "/r", "/demo/nope.html", "/favicon.ico")) {
      HttpResponse<Buffer> page = g.get(path, "Accept", browser);
      assertThat(page.statusCode()).as(path).isEqualTo(404);
      assertThat(page.getHeader("Content-Type")).as(path).isEqualTo("text/html; charset=utf-8");
      assertThat(page.bodyAsString()).as(path).contains("没有这个页面", "扫描凭证上的二维码").doesNotContain("no-such-route");
    }
    // programs, and the API's paths even from a browser, keep problem+json
    assertThat(g.get("/").getHeader("Content-Type")).isEqualTo("application/problem+json");
    for (String path : List.of("/api/v1/nothing", "//api/v1/nothing")) {
      HttpResponse<Buffer> api = g.get(path, "Accept", browser);
      assertThat(api.statusCode()).as(path).isEqualTo(404);
      assertThat(api.getHeader("Content-Type")).as(path).isEqualTo("application/problem+json");
    }
    // a page that is there is untouched: a receipt number that names nothing has the receipt page's own answer
    assertThat(g.get("/r/" + UUID.randomUUID().toString().replace("-", ""), "Accept", browser).bodyAsString()).contains("没有查到这张凭证");
  }

  /** A receipt's page that cannot be served now (the database failing over) is a Chinese page to a phone, never JSON. */
  @Test
  void aReceiptsPageThatCannotBeServedNowIsAChinesePageToABrowser() throws Exception {
    String browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    String receipt = "/r/" + UUID.randomUUID().toString().replace("-", "");
    try {
      sql("alter table orders rename to orders_away");
      HttpResponse<Buffer> page = g.get(receipt, "Accept", browser);
      assertThat(page.statusCode()).isGreaterThanOrEqualTo(500);
      assertThat(page.getHeader("Content-Type")).isEqualTo("text/html; charset=utf-8");
      assertThat(page.bodyAsString()).contains("系统繁忙", "刷新本页").doesNotContain("developerDetail", "problems/", "\"type\"");
      // a program asking the same keeps its problem+json
      assertThat(g.get(receipt).getHeader("Content-Type")).isEqualTo("application/problem+json");
    } finally {
      sql("alter table orders_away rename to orders");
    }
  }

  private void sql(String statement) throws Exception {
    try (java.sql.Connection c = g.db.connect(); java.sql.Statement st = c.createStatement()) {
      st.execute(statement);
    }
  }

  @Test
  void aChineseTitleWithAnEnglishDetailStillTellsTheResidentInChinese() {
    JsonObject p = new Problem(408, "request-timeout", "请求超时，请重试", "the request body did not arrive within 30000 ms")
        .toJson("/api/v1/lookup", true);
    assertThat(p.getString("title")).isEqualTo("请求超时，请重试");
    assertThat(p.getString("detail")).isEqualTo(ResidentTexts.detail("request-timeout"));
    assertThat(p.getString("developerDetail")).isEqualTo("the request body did not arrive within 30000 ms");
    // a Chinese detail is the resident's own, and an operator's route keeps the English
    assertThat(new Problem(429, "rate-limited", "登录太频繁，请稍后再试", "请 5 秒后再试。").toJson("/api/v1/session/wechat", true)
        .getString("detail")).isEqualTo("请 5 秒后再试。");
    assertThat(new Problem(408, "request-timeout", "请求超时，请重试", "the request body did not arrive within 30000 ms")
        .toJson("/api/v1/operator/rosters", false).getString("detail")).isEqualTo("the request body did not arrive within 30000 ms");
  }

  private HttpResponse<Buffer> order(String household, JsonArray items, String key) throws Exception {
    return g.post("/api/v1/orders", new JsonObject().put("householdRef", household).put("channel", "wechat").put("mode", "qr")
        .put("items", items), "Idempotency-Key", key + "-" + UUID.randomUUID());
  }

  private static JsonObject item(String member, String insurance, Integer tier) {
    JsonObject i = new JsonObject().put("memberRef", member).put("insurance", insurance).put("year", 2020);
    return tier == null ? i : i.put("tier", tier);
  }

  private static void assertChinese(HttpResponse<Buffer> r, int status, String slug, String detailContains) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
    JsonObject p = r.bodyAsJsonObject();
    assertThat(p.getString("type")).isEqualTo(Problem.TYPE_BASE + slug);
    assertThat(chinese(p.getString("title"))).as(p.encode()).isTrue();
    assertThat(chinese(p.getString("detail"))).as(p.encode()).isTrue();
    if (detailContains != null) {
      assertThat(p.getString("detail")).contains(detailContains);
    }
  }

  static boolean chinese(String s) {
    return s != null && s.codePoints().anyMatch(c -> c >= 0x4E00 && c <= 0x9FFF);
  }
}
