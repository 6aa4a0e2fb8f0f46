package cn.liangxian.gateway.roster;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.roster.DemoRoster;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The operator's roster upload: the command line's import over HTTP, behind a bearer token. */
class RosterUploadApiTest {
  static String TOKEN;
  static TestGateway g;

  @BeforeAll
  static void start() throws Exception {
    g = new TestGateway();
    TOKEN = g.adminToken();
  }

  @AfterAll
  static void stop() throws Exception {
    g.close();
  }

  HttpResponse<Buffer> upload(String query, String authorization, String contentType, byte[] body) throws Exception {
    var req = g.http.post("/api/v1/operator/rosters" + query);
    if (authorization != null) {
      req.putHeader("Authorization", authorization);
    }
    if (contentType != null) {
      req.putHeader("Content-Type", contentType);
    }
    return req.sendBuffer(Buffer.buffer(body)).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  long count(String sql) throws Exception {
    return g.count(sql);
  }

  static void assertProblem(HttpResponse<Buffer> r, int status, String slug) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(r.bodyAsJsonObject().getString("type")).isEqualTo("https://liangxian.cn/problems/" + slug);
    assertThat(r.bodyAsString()).doesNotContain("Exception", "\tat ");
  }

  @Test
  void withoutTheOperatorTokenNothingIsImported() throws Exception {
    byte[] csv = DemoRoster.csv(3, 1L).get(0).getBytes(StandardCharsets.UTF_8);
    long before = count("select count(*) from person");
    for (String auth : new String[] {null, "Bearer wrong-token-wrong-token-wrong", "Basic " + TOKEN, "Bearer " + TOKEN + "x"}) {
      HttpResponse<Buffer> r = upload("", auth, "text/csv", csv);
      assertProblem(r, 401, "operator-unauthorized");
      assertThat(r.getHeader("WWW-Authenticate")).startsWith("Bearer");
    }
    assertThat(count("select count(*) from person")).isEqualTo(before);
  }

  @Test
  void refusesWhatIsNotARoster() throws Exception {
    String auth = "Bearer " + TOKEN;
    assertProblem(upload("", auth, "application/json", "{}".getBytes(StandardCharsets.UTF_8)), 415, "unsupported-media-type");
    assertProblem(upload("", auth, "text/csv", new byte[0]), 400, "empty-roster");
    assertProblem(upload("?file=../../etc/passwd", auth, "text/csv", "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8)), 400,
        "invalid-request");
    assertProblem(upload("", auth, "text/csv", "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8)), 422, "roster-not-importable");
    // a column named twice, in Chinese and in English: one of the two names would be dropped without a word
    HttpResponse<Buffer> twice = upload("", auth, "text/csv",
        "region_code,township,village,household,身份证号,id_number,name,local\n".getBytes(StandardCharsets.UTF_8));
    assertProblem(twice, 422, "roster-not-importable");
    assertThat(twice.bodyAsJsonObject().getString("detail")).contains("'id_number' twice", "'身份证号' in column 5", "column 6");
  }

  @Test
  void aVillageRosterLargerThanAnApiBodyImportsWithItsBadRowsReportedAndReimportChangesNothing() throws Exception {
    String roster = DemoRoster.csv(400, 42L).get(0)
        + "371312,汤头街道,汤头村,HHBAD1,371312197001010000,钱二,true,,,,false\n";
    byte[] body = roster.getBytes(StandardCharsets.UTF_8);
    assertThat(body.length).isGreaterThan(g.gateway.options().maxBodyBytes());
    int rows = (int) roster.lines().count() - 1;

    JsonObject first = upload("?file=village-42.csv", "Bearer " + TOKEN, "text/csv; charset=utf-8", body).bodyAsJsonObject();
    assertThat(first.getString("kind")).isEqualTo("village roster");
    assertThat(first.getInteger("rows")).isEqualTo(rows);
    assertThat(first.getInteger("imported")).isEqualTo(rows - 1);
    assertThat(first.getJsonArray("rejected")).hasSize(1);
    assertThat(first.getJsonArray("rejected").getJsonObject(0).getInteger("line")).isEqualTo(rows + 1);
    assertThat(first.getJsonArray("rejected").getJsonObject(0).getString("reason")).contains("invalid ID number");

    JsonObject again = upload("?file=village-42.csv", "Bearer " + TOKEN, "text/csv", body).bodyAsJsonObject();
    assertThat(again.getInteger("imported")).isZero();
    assertThat(again.getInteger("unchanged")).isEqualTo(rows - 1);
    assertThat(count("select count(*) from audit_log where actor = 'admin' and subject = 'village-42.csv'")).isEqualTo(2);
  }

  @Test
  void aGb18030DepartmentListFlagsAPersonOnTwoDepartmentsLists() throws Exception {
    String id = TestGateway.id("320682", "1960-03-03", 21);
    String village = "region_code,township,village,household,id_number,name,local,guardian_id_number,guardian_name,"
        + "guardian_phone,enrolled_elsewhere\n320682,如城街道,大明社区,HHOP1," + id + ",钱多多,true,,,,false\n";
    assertThat(upload("", "Bearer " + TOKEN, "text/csv", village.getBytes(StandardCharsets.UTF_8)).bodyAsJsonObject()
        .getInteger("imported")).isEqualTo(1);
    String departments = String.join("\n", "部门,类别,身份证号,姓名,起始日期,截止日期",
        "民政,低保," + id + ",钱多多,2019-01-01,", "残联,SEVERE_DISABLED," + id + ",钱多多,2019-01-01,") + "\n";
    JsonObject r = upload("?file=lists.csv", "Bearer " + TOKEN, "text/csv; charset=gb18030",
        departments.getBytes(Charset.forName("GB18030"))).bodyAsJsonObject();
    assertThat(r.getString("kind")).isEqualTo("department list");
    assertThat(r.getInteger("imported")).isEqualTo(2);
    assertThat(r.getInteger("crossChecks")).isEqualTo(1);
    assertThat(r.getJsonArray("rejected")).isEmpty();
    assertThat(count("select count(*) from cross_check c join person p on p.id = c.person_id where p.name = '钱多多'"
        + " and c.departments = array['残联','民政']")).isEqualTo(1);
    assertThat(List.of(r.encode())).noneMatch(s -> s.contains(id));
  }
}
