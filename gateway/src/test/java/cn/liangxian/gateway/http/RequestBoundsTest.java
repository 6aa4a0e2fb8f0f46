package cn.liangxian.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.operator.Role;
import cn.liangxian.gateway.operator.Scope;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Values Java reads but no caller means: a date in the year +999999999, a year of -2147483648, a media type that
 * only starts like the right one. Each is the caller's mistake, 400 or 415 naming it, and changes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestBoundsTest {
  static final String FAR = "%2B999999999-12-31";
  TestGateway g;
  String admin;
  String finance;

  @BeforeAll
  void start() throws Exception {
    g = Fixture.load(new TestGateway());
    admin = g.adminToken();
    finance = g.operatorToken(Role.FINANCE, Scope.ALL);
  }

  @AfterAll
  void stop() throws Exception {
    g.close();
  }

  @Test
  void datesAndYearsOutsideTheYearsACollectionConcernsAre400NamingTheField() throws Exception {
    long books = g.count("select count(*) from policy_book");
    byte[] book = Files.readAllBytes(TestGateway.repo().resolve("config/policies/hedong-2020.yaml"));
    HttpResponse<Buffer> upload = g.http.post("/api/v1/operator/books?activateOn=" + FAR).putHeader("Authorization", "Bearer " + admin)
        .putHeader("Content-Type", "application/yaml").sendBuffer(Buffer.buffer(book)).toCompletionStage().toCompletableFuture().get();
    assertField(upload, 400, "activateOn");
    assertThat(g.count("select count(*) from policy_book")).isEqualTo(books);

    // a run an operator starts is claimed in their name (the schedule's, in the instance's): none for a refused date
    String operatorsRuns = "select count(*) from channel_reconciliation where run_by like 'finance-%'";
    long runs = g.count(operatorsRuns);
    HttpResponse<Buffer> run = g.http.post("/api/v1/operator/reconciliation/wechat/" + FAR).putHeader("Authorization", "Bearer " + finance)
        .send().toCompletionStage().toCompletableFuture().get();
    assertField(run, 400, "date");
    assertThat(g.count(operatorsRuns)).isEqualTo(runs);
    assertField(g.get("/api/v1/operator/reconciliation/wechat/-999999999-01-01", "Authorization", "Bearer " + finance), 400, "date");

    assertField(g.get("/api/v1/operator/postings/431103/medical?township=" + enc("黄阳司镇") + "&village=" + enc("黄阳司村")
        + "&from=" + FAR, "Authorization", "Bearer " + admin), 400, "from");
    assertField(g.get("/api/v1/operator/progress/431103/medical?year=-2147483648", "Authorization", "Bearer " + admin), 400, "year");
    assertField(g.get("/api/v1/operator/audit?since=%2B999999999-12-31T00:00:00Z", "Authorization", "Bearer " + admin), 400, "since");
    // the years a collection concerns are still served
    assertThat(g.get("/api/v1/operator/progress/431103/medical?year=2020", "Authorization", "Bearer " + admin).statusCode()).isEqualTo(200);
  }

  @Test
  void aMediaTypeThatOnlyStartsLikeJsonOrCsvIs415() throws Exception {
    Buffer lookup = new JsonObject().put("idNumber", Fixture.CHEN).put("name", "陈一").toBuffer();
    assertThat(g.postRaw("/api/v1/lookup", "application/jsonpatch", lookup).statusCode()).isEqualTo(415);
    assertThat(g.postRaw("/api/v1/lookup", "application/json; charset=utf-8", lookup).statusCode()).isEqualTo(200);
    assertThat(g.postRaw("/api/v1/lookup", "Application/JSON", lookup).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> csv = g.http.post("/api/v1/operator/targets").putHeader("Authorization", "Bearer " + admin)
        .putHeader("Content-Type", "text/csvx").sendBuffer(Buffer.buffer("region_code\n")).toCompletionStage().toCompletableFuture().get();
    assertThat(csv.statusCode()).isEqualTo(415);
  }

  @Test
  void uploadsWithANulOrNoTextAreRefusedNamingTheLineNeverTheParsersClasses() throws Exception {
    long persons = g.count("select count(*) from person");
    String nul = Fixture.ROSTER.replace("李四", "李\0四");
    HttpResponse<Buffer> roster = upload("/api/v1/operator/rosters?file=nul.csv", nul.getBytes(StandardCharsets.UTF_8));
    assertThat(roster.statusCode()).as(roster.bodyAsString()).isEqualTo(422);
    assertThat(roster.bodyAsJsonObject().getString("detail")).contains("line 3", "NUL");
    HttpResponse<Buffer> binary = upload("/api/v1/operator/rosters?file=bin.csv", "household\n\"abc\n\u00ff\"x\"y".getBytes(StandardCharsets.UTF_8));
    assertThat(binary.statusCode()).as(binary.bodyAsString()).isEqualTo(422);
    assertThat(binary.bodyAsString()).contains("not readable as CSV").doesNotContain("java.", "Reader", "ArrayList");
    assertThat(g.count("select count(*) from person")).isEqualTo(persons);

    long targets = g.count("select count(*) from target");
    HttpResponse<Buffer> target = upload("/api/v1/operator/targets",
        "region_code,township,village,insurance,year,target,source\n431103,黄阳\0司镇,,medical,2020,100,\n".getBytes(StandardCharsets.UTF_8));
    assertThat(target.statusCode()).as(target.bodyAsString()).isBetween(400, 499);
    assertThat(target.bodyAsString()).contains("line 2", "NUL");
    assertThat(g.count("select count(*) from target")).isEqualTo(targets);

    HttpResponse<Buffer> changes = upload("/api/v1/operator/handoff/agency-changes?file=c.csv",
        ("change_id,kind,id_number,insurance,year,category,department,valid_from,place\nC1,INSURED_ELSEWHERE," + Fixture.LIU1
            + ",medical,2020,,,,湘\0潭\n").getBytes(StandardCharsets.UTF_8), finance);
    assertThat(changes.statusCode()).as(changes.bodyAsString()).isEqualTo(400);
    assertThat(changes.bodyAsString()).contains("line 2", "NUL");
  }

  @Test
  void aKioskKeyThatIsNotPemIsRefusedWithoutTheParsersWords() throws Exception {
    // too short a key; a character outside Base64 (a stray '*', a full-width letter pasted from a document); a key cut short
    for (String body : java.util.List.of("AAAA", "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE*AAA", "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgＡＢ",
        "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE")) {
      HttpResponse<Buffer> r = g.http.post("/api/v1/operator/kiosks").putHeader("Authorization", "Bearer " + admin)
          .putHeader("Content-Type", "application/json").sendBuffer(new JsonObject().put("kioskId", "K-371312-0009")
              .put("publicKey", "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----").put("regionCode", "371312").toBuffer())
          .toCompletionStage().toCompletableFuture().get();
      assertField(r, 400, "publicKey");
      assertThat(r.bodyAsString()).doesNotContain("java.", "Exception");
    }
    assertThat(g.count("select count(*) from kiosk where id = 'K-371312-0009'")).isZero();
  }

  private HttpResponse<Buffer> upload(String path, byte[] body) throws Exception {
    return upload(path, body, admin);
  }

  private HttpResponse<Buffer> upload(String path, byte[] body, String token) throws Exception {
    return g.http.post(path).putHeader("Authorization", "Bearer " + token).putHeader("Content-Type", "text/csv")
        .sendBuffer(Buffer.buffer(body)).toCompletionStage().toCompletableFuture().get();
  }

  private static void assertField(HttpResponse<Buffer> r, int status, String field) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(r.bodyAsJsonObject().getString("field")).isEqualTo(field);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
