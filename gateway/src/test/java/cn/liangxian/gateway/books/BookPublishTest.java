package cn.liangxian.gateway.books;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import cn.liangxian.gateway.operator.Role;
import cn.liangxian.gateway.operator.Scope;
import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.policy.PolicyBook;
import cn.liangxian.policy.PolicyBookException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * An administrator publishes a changed 河东区 book at run time: a bad one is refused naming its line and field
 * and changes nothing; a good one answers a preview, then, once activated, is what both instances on the
 * database assess with, with the books before and after in the audit log.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BookPublishTest {
  TestGateway a;
  TestGateway b;
  String hedong;

  @BeforeAll
  void start() throws Exception {
    a = Fixture.load(new TestGateway());
    b = TestGateway.beside(a);
    hedong = Files.readString(TestGateway.repo().resolve("config/policies/hedong-2020.yaml"));
  }

  @AfterAll
  void stop() throws Exception {
    b.close();
    a.close();
  }

  /** The 河东区 book with a personal medical amount of 300 yuan instead of 250. */
  String raised() {
    return hedong.replace("personal: {yuan: 250", "personal: {yuan: 300");
  }

  HttpResponse<Buffer> upload(String token, String query, String yaml) throws Exception {
    return upload(token, query, yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  HttpResponse<Buffer> upload(String token, String query, byte[] yaml) throws Exception {
    return a.http.post("/api/v1/operator/books" + query).putHeader("Content-Type", "application/yaml")
        .putHeader("Authorization", "Bearer " + token).sendBuffer(Buffer.buffer(yaml))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  HttpResponse<Buffer> activate(String token, long id, String day) throws Exception {
    return a.post("/api/v1/operator/books/" + id + "/activate", new JsonObject().put("activateOn", day),
        "Authorization", "Bearer " + token);
  }

  static long personalFen(TestGateway g) throws Exception {
    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    return TestGateway.member(h, Fixture.ZHANG).getJsonArray("insurances").stream().map(o -> (JsonObject) o)
        .filter(i -> i.getString("insurance").equals("medical")).findFirst().orElseThrow().getLong("personalFen");
  }

  long count(String sql) throws Exception {
    return a.count(sql);
  }

  @Test
  @Order(1)
  void aBadBookIsRefusedWithTheLineAndFieldStartUpGivesAndNothingChanges() throws Exception {
    String bad = hedong.replace("personal: {yuan: 250", "personal: {yuan: -250");
    PolicyBookException startUp = catchThrowableOfType(PolicyBookException.class, () -> PolicyBook.parse("hedong-2020.yaml", bad));
    assertThat(startUp).isNotNull();
    assertPersonal(25000);

    HttpResponse<Buffer> r = upload(a.adminToken(), "?file=hedong-2020.yaml", bad);
    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(r.getHeader("Content-Type")).startsWith("application/problem+json");
    JsonObject p = r.bodyAsJsonObject();
    assertThat(p.getString("type")).endsWith("/invalid-book");
    assertThat(p.getInteger("line")).isEqualTo(startUp.line()).isEqualTo(23);
    assertThat(p.getString("field")).isEqualTo(startUp.field()).startsWith("medical.personal");
    assertThat(p.getString("detail")).isEqualTo(startUp.getMessage());

    HttpResponse<Buffer> json = a.http.post("/api/v1/operator/books").putHeader("Content-Type", "application/json")
        .putHeader("Authorization", "Bearer " + a.adminToken()).sendBuffer(Buffer.buffer("{}"))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(json.statusCode()).isEqualTo(415);

    // an amount too large for any contribution, whose household sums would overflow: refused the same way, never a 500
    HttpResponse<Buffer> huge = upload(a.adminToken(), "?file=hedong-2020.yaml",
        hedong.replace("personal: {yuan: 250", "personal: {yuan: 99999999999999999"));
    assertThat(huge.statusCode()).as(huge.bodyAsString()).isEqualTo(422);
    assertThat(huge.bodyAsJsonObject().getString("field")).startsWith("medical.personal");
    assertThat(huge.bodyAsJsonObject().getString("detail")).contains("more than 100000 yuan");
    assertPersonal(25000);

    HttpResponse<Buffer> notYaml = upload(a.adminToken(), "", "regions: [unclosed");
    assertThat(notYaml.statusCode()).isEqualTo(422);
    assertThat(notYaml.bodyAsJsonObject().getString("detail")).contains("not valid YAML");

    // a NUL, which no book has and PostgreSQL keeps in no text: 400 naming the line, not a failure to store it
    HttpResponse<Buffer> nul = upload(a.adminToken(), "?file=hedong-2020.yaml", raised().replace("title: ", "title: \u0000"));
    assertThat(nul.statusCode()).as(nul.bodyAsString()).isEqualTo(400);
    assertThat(nul.bodyAsJsonObject().getString("detail")).isEqualTo("hedong-2020.yaml: line 5 contains a NUL character (U+0000)");

    assertThat(count("select count(*) from policy_book")).isZero();
    assertPersonal(25000);
  }

  @Test
  @Order(2)
  void onlyAnAdministratorPublishes() throws Exception {
    for (String token : List.of(a.operatorToken(Role.FINANCE, Scope.ALL), a.operatorToken(Role.TOWNSHIP,
        new Scope("371312", "汤头街道", null)))) {
      HttpResponse<Buffer> r = upload(token, "", raised());
      assertThat(r.statusCode()).isEqualTo(403);
      assertThat(r.bodyAsJsonObject().getString("type")).endsWith("/operator-forbidden");
      assertThat(activate(token, 1, "2019-12-15").statusCode()).isEqualTo(403);
    }
    String elsewhere = a.operatorToken(Role.ADMIN, new Scope("431103", null, null));
    assertThat(upload(elsewhere, "", raised()).statusCode()).as("an administrator of another region").isEqualTo(403);
    assertThat(count("select count(*) from policy_book")).isZero();
  }

  @Test
  @Order(3)
  void anExampleBookOrABookOfAnotherRegionIsRefused() throws Exception {
    String example = Files.readString(TestGateway.repo().resolve("config/policies/example-features-2024.yaml"));
    assertThat(upload(a.adminToken(), "?region=371312", example).statusCode()).isEqualTo(422);
    assertThat(upload(a.adminToken(), "?region=431103", raised()).bodyAsJsonObject().getString("detail"))
        .contains("does not cover region 431103");
  }

  @Test
  @Order(4)
  void aGoodBookIsPreviewedThenActivatedAndBothInstancesAssessWithIt() throws Exception {
    // saved by a Chinese Windows editor, in GB18030: its Chinese is kept as written, not as replacement characters
    HttpResponse<Buffer> r = upload(a.adminToken(), "?file=hedong-2020-amended.yaml",
        raised().getBytes(java.nio.charset.Charset.forName("GB18030")));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    JsonObject up = r.bodyAsJsonObject();
    assertThat(up.getString("title")).isEqualTo("河东区 2020 年度居民基本养老保险和医疗保险征缴工作实施方案");
    assertThat(count("select count(*) from policy_book where text like '%000 三(二)%' and text not like '%\uFFFD%'")).isEqualTo(1);
    assertThat(up.getString("state")).isEqualTo("uploaded");
    assertThat(up.getString("region")).isEqualTo("371312");
    JsonObject preview = up.getJsonObject("preview");
    assertThat(preview.getInteger("households")).isEqualTo(1);
    assertThat(preview.getInteger("members")).isEqualTo(4);
    assertThat(preview.getInteger("changedItems")).as("张三, 李四 and the child pay 300 yuan; the grandmother is paid for")
        .isEqualTo(3);
    assertThat(row(preview.getJsonArray("counts"), "medical", "unpaid", 25000L)).isEqualTo("3 -> 0");
    assertThat(row(preview.getJsonArray("counts"), "medical", "unpaid", 30000L)).isEqualTo("0 -> 3");
    assertThat(row(preview.getJsonArray("counts"), "medical", "paid-by-government", 0L)).isEqualTo("1 -> 1");

    // uploaded, not yet live
    assertPersonal(25000);

    long id = up.getLong("id");
    HttpResponse<Buffer> past = activate(a.adminToken(), id, "2019-12-14");
    assertThat(past.statusCode()).isEqualTo(422);
    assertThat(past.bodyAsJsonObject().getString("type")).endsWith("/activation-in-the-past");

    HttpResponse<Buffer> on = activate(a.adminToken(), id, "2019-12-15");
    assertThat(on.statusCode()).as(on.bodyAsString()).isEqualTo(200);
    assertThat(on.bodyAsJsonObject().getString("activeFrom")).isEqualTo("2019-12-15");
    assertThat(personalFen(a)).as("the instance that activated it, at once").isEqualTo(30000);
    Eventually.until("the other instance assesses with the activated book", () -> personalFen(b), fen -> fen == 30000);
    assertThat(activate(a.adminToken(), id, "2019-12-15").statusCode()).isEqualTo(409);

    try (Connection c = a.db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("select actor, before::text, after::text from audit_log where action = 'book.activate' and status is null")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("admin");
      JsonObject before = new JsonObject(rs.getString(2));
      JsonObject after = new JsonObject(rs.getString(3));
      assertThat(before.getJsonArray("books").getJsonObject(0).getString("file")).isEqualTo("hedong-2020.yaml");
      assertThat(after.getJsonArray("books").getJsonObject(0).getString("file")).isEqualTo("hedong-2020-amended.yaml");
      assertThat(after.getLong("activated")).isEqualTo(id);
      assertThat(rs.next()).isFalse();
    }
    assertThat(count("select count(*) from audit_log where action = 'book.upload' and status is null")).isEqualTo(1);

    JsonObject list = a.get("/api/v1/operator/books?region=371312", "Authorization", "Bearer " + a.adminToken()).bodyAsJsonObject();
    assertThat(list.getJsonArray("uploaded").getJsonObject(0).getString("state")).isEqualTo("activated");
    assertThat(list.getJsonArray("uploaded").getJsonObject(0).getString("activatedBy")).isEqualTo("admin");
    assertThat(list.getJsonArray("live").getJsonObject(0).getJsonArray("books").stream().map(o -> ((JsonObject) o).getString("file")))
        .containsOnly("hedong-2020-amended.yaml");
  }

  @Test
  @Order(5)
  void aThirdInstanceStartedLaterReadsTheActivatedBook() throws Exception {
    TestGateway c = TestGateway.beside(a);
    try {
      assertThat(personalFen(c)).isEqualTo(30000);
    } finally {
      c.close();
    }
  }

  @Test
  @Order(6)
  void nextYearsBookUploadedAndActivatedInOneCallJoinsThisYearsOnEveryInstance() throws Exception {
    String next = TestGateway.aYearLater(hedong);
    HttpResponse<Buffer> r = upload(a.adminToken(), "?file=hedong-2021.yaml&activateOn=2019-12-20&sample=0", next);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    JsonObject up = r.bodyAsJsonObject();
    assertThat(up.getString("state")).isEqualTo("activated");
    assertThat(up.getJsonObject("years").getInteger("medical")).isEqualTo(2021);
    assertThat(up.getJsonObject("preview").getInteger("households")).isZero();
    assertThat(count("select count(*) from audit_log where action = 'book.activate' and status is null")).isEqualTo(2);
    // live from 2019-12-20: the region's pay date (2019-12-15) still has this year's books only
    JsonObject list = b.get("/api/v1/operator/books?region=371312", "Authorization", "Bearer " + b.adminToken()).bodyAsJsonObject();
    assertThat(list.getJsonArray("uploaded")).hasSize(2);
    assertThat(list.getJsonArray("live").getJsonObject(0).getJsonArray("books").stream().map(o -> ((JsonObject) o).getString("file")))
        .containsOnly("hedong-2020-amended.yaml");
  }

  @Test
  @Order(7)
  void aCategoryAPublishedBookDeclaresIsAcceptedByTheNextRosterImport() throws Exception {
    String list = "department,category,id_number,name,valid_from,valid_to\n乡村振兴,MONITORED," + Fixture.ZHANG + ",张三,2019-01-01,\n";
    JsonObject before = departments(list);
    assertThat(before.getInteger("imported")).isZero();
    assertThat(before.getJsonArray("rejected").getJsonObject(0).getString("reason")).contains("unknown category 'MONITORED'");

    String declaring = raised().replace("\nmedical:", "\ncategories:\n  - {code: MONITORED, name: 防止返贫监测对象, department: 乡村振兴,"
        + " group: POVERTY_LIFTED, source: 000 三(二)2}\n\nmedical:");
    HttpResponse<Buffer> r = upload(a.adminToken(), "?file=hedong-2020-monitored.yaml&activateOn=2019-12-15&sample=0", declaring);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    assertThat(departments(list).getInteger("imported")).isEqualTo(1);
  }

  JsonObject departments(String csv) throws Exception {
    HttpResponse<Buffer> r = a.http.post("/api/v1/operator/rosters?file=monitored.csv").putHeader("Content-Type", "text/csv")
        .putHeader("Authorization", "Bearer " + a.adminToken()).sendBuffer(Buffer.buffer(csv))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  void assertPersonal(long fen) throws Exception {
    assertThat(personalFen(a)).isEqualTo(fen);
    assertThat(personalFen(b)).isEqualTo(fen);
  }

  /** "before -> after" of one count of the preview. */
  static String row(JsonArray counts, String insurance, String status, Long fen) {
    JsonObject c = counts.stream().map(o -> (JsonObject) o).filter(o -> o.getString("insurance").equals(insurance)
        && o.getString("status").equals(status) && java.util.Objects.equals(o.getLong("personalFen"), fen)).findFirst()
        .orElseThrow(() -> new AssertionError("no count " + insurance + " " + status + " " + fen + " in " + counts));
    return c.getInteger("before") + " -> " + c.getInteger("after");
  }
}
