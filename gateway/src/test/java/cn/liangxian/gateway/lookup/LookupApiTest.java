package cn.liangxian.gateway.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LookupApiTest {
  TestGateway g;

  @BeforeAll
  void start() throws Exception {
    g = Fixture.load(new TestGateway(java.util.Map.of("GATEWAY_LOOKUPS_PER_MINUTE", "60", "GATEWAY_LOOKUP_BURST", "5")));
  }

  @AfterAll
  void stop() throws Exception {
    g.close();
  }


  static JsonObject insurance(JsonObject member, String code) {
    return member.getJsonArray("insurances").stream().map(o -> (JsonObject) o)
        .filter(i -> i.getString("insurance").equals(code)).findFirst().orElseThrow();
  }


  @Test
  void theHouseholdWithMaskedMembersStatusesAmountsAndClauses() throws Exception {
    JsonObject h = g.lookup(Fixture.LI, "李四");
    assertThat(h.getJsonObject("household").getJsonObject("region").getString("code")).isEqualTo("371312");
    assertThat(h.getJsonArray("members")).hasSize(4);
    String body = h.encode();
    for (String id : List.of(Fixture.ZHANG, Fixture.LI, Fixture.GRANNY, Fixture.CHILD)) {
      assertThat(body).doesNotContain(id).contains(TestGateway.masked(id));
    }
    assertThat(body).doesNotContain("张三", "李四", "王奶奶", "张小明").contains("张*", "李*", "王*奶", "张*明");

    JsonObject zhang = insurance(TestGateway.member(h, Fixture.ZHANG), "medical");
    assertThat(zhang.getString("status")).isEqualTo("unpaid");
    assertThat(zhang.getLong("personalFen")).isEqualTo(25000);
    assertThat(zhang.getJsonArray("rules").encode()).contains("000 三(二)2");

    JsonObject granny = TestGateway.member(h, Fixture.GRANNY);
    assertThat(insurance(granny, "medical").getString("status")).isEqualTo("paid-by-government");
    assertThat(insurance(granny, "medical").getLong("governmentFen")).isEqualTo(25000);
    JsonObject grannyPension = insurance(granny, "pension");
    assertThat(grannyPension.getJsonArray("tiers").getJsonObject(0).getInteger("tier")).isEqualTo(100);

    JsonObject child = insurance(TestGateway.member(h, Fixture.CHILD), "pension");
    assertThat(child.getString("status")).isEqualTo("not-eligible");
    assertThat(child.getString("reason")).contains("16");
    assertThat(child.getString("statusText")).as("not yet, in the resident's words").isEqualTo("暂不能参保");
    assertThat(insurance(granny, "medical").getString("statusText")).isEqualTo("政府代缴");
    assertThat(zhang.getString("statusText")).isEqualTo("未缴费");

    JsonArray tiers = insurance(TestGateway.member(h, Fixture.ZHANG), "pension").getJsonArray("tiers");
    assertThat(tiers.getJsonObject(0).getInteger("tier")).isEqualTo(300); // 100 is for hardship groups only
    assertThat(tiers.getJsonObject(0).getLong("subsidyFen")).isEqualTo(3000);

    assertThat(h.getJsonObject("totals").getJsonObject("medical").getLong("dueFen")).isEqualTo(3 * 25000);
    assertThat(h.getJsonArray("wholeFamilyRequired").encode()).contains("medical", "000 五2");
  }

  /** A number typed with a Chinese input method's full-width digits and letter (３７１３…Ｘ) finds the same household. */
  @Test
  void anIdNumberInFullWidthDigitsFindsTheSameHousehold() throws Exception {
    StringBuilder wide = new StringBuilder();
    Fixture.LI.chars().forEach(c -> wide.append((char) (c >= '0' && c <= '9' || c == 'X' ? c - 0x21 + 0xFF01 : c)));
    assertThat(wide.toString()).doesNotContain("0", "1", "2", "3", "7");
    HttpResponse<Buffer> r = g.post("/api/v1/lookup", new JsonObject().put("idNumber", wide.toString()).put("name", "李四"),
        "Authorization", g.bearer("full-width-test"));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getJsonArray("members")).hasSize(4);
  }

  @Test
  void aWrongNameAnswersExactlyLikeAnUnknownIdNumber() throws Exception {
    HttpResponse<Buffer> wrongName = g.post("/api/v1/lookup", new JsonObject().put("idNumber", Fixture.LI).put("name", "王五"),
        "Authorization", g.bearer("oracle-test"));
    HttpResponse<Buffer> unknown = g.post("/api/v1/lookup",
        new JsonObject().put("idNumber", TestGateway.id("371312", "1990-01-01", 333)).put("name", "李四"), "Authorization", g.bearer("oracle-test"));
    assertThat(wrongName.statusCode()).isEqualTo(404).isEqualTo(unknown.statusCode());
    assertThat(wrongName.bodyAsString()).isEqualTo(unknown.bodyAsString());
    assertThat(wrongName.getHeader("Content-Type")).isEqualTo("application/problem+json");
  }

  @Test
  void lookupsAreRateLimitedPerClient() throws Exception {
    JsonObject body = new JsonObject().put("idNumber", Fixture.CHEN).put("name", "陈一");
    int limited = 0;
    String retryAfter = null;
    for (int i = 0; i < 8; i++) {
      HttpResponse<Buffer> r = g.post("/api/v1/lookup", body, "Authorization", g.bearer("busy-kiosk"));
      if (r.statusCode() == 429) {
        limited++;
        retryAfter = r.getHeader("Retry-After");
        assertThat(r.bodyAsJsonObject().getString("type")).endsWith("/rate-limited");
        // the resident reads how long to wait, as Retry-After says it
        long s = Long.parseLong(retryAfter);
        assertThat(r.bodyAsJsonObject().getString("detail"))
            .isEqualTo(s < 60 ? "查询太频繁，请" + s + "秒后再试" : "查询太频繁，请" + (s + 59) / 60 + "分钟后再试");
      } else {
        assertThat(r.statusCode()).isEqualTo(200);
      }
    }
    assertThat(limited).isEqualTo(3); // a burst of 5, then refused
    assertThat(Long.parseLong(retryAfter)).isPositive();
    assertThat(g.post("/api/v1/lookup", body, "Authorization", g.bearer("another-kiosk")).statusCode()).isEqualTo(200);
  }

  @Test
  void rotatingTheClientIdDoesNotEscapeTheLimitOfTheAddress() throws Exception {
    try (TestGateway t = Fixture.load(new TestGateway(java.util.Map.of("GATEWAY_LOOKUPS_PER_MINUTE_PER_ADDRESS", "1",
        "GATEWAY_LOOKUP_BURST_PER_ADDRESS", "4")))) {
      JsonObject body = new JsonObject().put("idNumber", Fixture.CHEN).put("name", "陈一");
      List<Integer> statuses = new java.util.ArrayList<>();
      HttpResponse<Buffer> last = null;
      for (int i = 0; i < 6; i++) {
        last = t.post("/api/v1/lookup", body, "Authorization", t.bearer("rotating-" + i));
        statuses.add(last.statusCode());
      }
      assertThat(statuses).containsExactly(200, 200, 200, 200, 429, 429);
      assertThat(last.bodyAsJsonObject().getString("type")).endsWith("/rate-limited");
      assertThat(Long.parseLong(last.getHeader("Retry-After"))).isPositive();
      // one a minute: a minute to wait, said so
      assertThat(last.bodyAsJsonObject().getString("detail")).isEqualTo("查询太频繁，请1分钟后再试");
    }
  }

  static Stream<Arguments> badInput() {
    return Stream.of(
        Arguments.of("malformed JSON", "application/json", "{\"idNumber\":", 400, "malformed-json"),
        Arguments.of("an array", "application/json", "[1,2]", 400, "malformed-json"),
        Arguments.of("empty body", "application/json", "", 400, "malformed-json"),
        // a field twice means nothing two readers agree on (the last one read as the ID number, the first one checked)
        Arguments.of("a field twice", "application/json", "{\"idNumber\":\"000000000000000000\",\"idNumber\":\"" + Fixture.LI
            + "\",\"name\":\"李四\"}", 400, "malformed-json"),
        Arguments.of("a comment", "application/json", "{/*x*/\"idNumber\":\"" + Fixture.LI + "\",\"name\":\"李四\"}", 400,
            "malformed-json"),
        Arguments.of("trailing content", "application/json", "{\"idNumber\":\"" + Fixture.LI + "\",\"name\":\"李四\"} {}", 400,
            "malformed-json"),
        Arguments.of("unknown field", "application/json", "{\"idNumber\":\"" + Fixture.LI + "\",\"name\":\"李四\",\"phone\":\"1\"}",
            400, "invalid-request"),
        Arguments.of("missing name", "application/json", "{\"idNumber\":\"" + Fixture.LI + "\"}", 400, "invalid-request"),
        Arguments.of("number as ID", "application/json", "{\"idNumber\":371312,\"name\":\"李四\"}", 400, "invalid-request"),
        Arguments.of("bad check digit", "application/json",
            "{\"idNumber\":\"" + Fixture.LI.substring(0, 17) + (Fixture.LI.charAt(17) == '1' ? '2' : '1') + "\",\"name\":\"李四\"}",
            400, "invalid-id-number"),
        Arguments.of("impossible date", "application/json", "{\"idNumber\":\"371312198002300000\",\"name\":\"李四\"}", 400,
            "invalid-id-number"),
        Arguments.of("NUL in name", "application/json", "{\"idNumber\":\"" + Fixture.LI + "\",\"name\":\"李\\u0000四\"}", 400,
            "invalid-request"),
        Arguments.of("NUL in ID number", "application/json", "{\"idNumber\":\"" + Fixture.LI + "\\u0000\",\"name\":\"李四\"}", 400,
            "invalid-request"),
        Arguments.of("NUL in a field name", "application/json", "{\"idNumber\\u0000\":\"" + Fixture.LI + "\",\"name\":\"李四\"}", 400,
            "invalid-request"),
        Arguments.of("wrong content type", "text/plain", "{\"idNumber\":\"" + Fixture.LI + "\",\"name\":\"李四\"}", 415,
            "unsupported-media-type"),
        Arguments.of("no content type", null, "{}", 415, "unsupported-media-type"),
        Arguments.of("oversize body", "application/json", "{\"name\":\"" + "x".repeat(70_000) + "\"}", 413, "body-too-large"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInput")
  void badInputIsAProblemNeverA500(String what, String type, String body, int status, String slug) throws Exception {
    HttpResponse<Buffer> r = g.postRaw("/api/v1/lookup", type, Buffer.buffer(body));
    assertThat(r.statusCode()).as(what + ": " + r.bodyAsString()).isEqualTo(status);
    assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
    JsonObject p = r.bodyAsJsonObject();
    assertThat(p.getString("type")).endsWith("/" + slug);
    assertThat(p.getInteger("status")).isEqualTo(status);
    assertThat(r.bodyAsString()).doesNotContain("Exception", "\tat ");
  }

  @Test
  void unknownRoutesAndMethodsAreProblemsToo() throws Exception {
    HttpResponse<Buffer> r = g.get("/api/v1/nothing");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(g.get("/api/v1/lookup").statusCode()).isEqualTo(405);
  }

  @Test
  void idNumbersAreEncryptedAtRest() throws Exception {
    try (var c = g.db.connect(); var st = c.createStatement();
        var rs = st.executeQuery("select id_enc, id_index, id_masked from person")) {
      int n = 0;
      while (rs.next()) {
        n++;
        String enc = new String(rs.getBytes(1), java.nio.charset.StandardCharsets.ISO_8859_1);
        for (String id : List.of(Fixture.ZHANG, Fixture.LI, Fixture.GRANNY, Fixture.CHILD, Fixture.LIU1, Fixture.LIU2, Fixture.CHEN)) {
          assertThat(enc).doesNotContain(id);
        }
        assertThat(rs.getString(3)).contains("**********");
      }
      assertThat(n).isEqualTo(7);
    }
  }
}
