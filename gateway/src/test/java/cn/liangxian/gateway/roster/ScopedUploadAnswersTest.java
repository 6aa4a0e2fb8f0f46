package cn.liangxian.gateway.roster;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.operator.Role;
import cn.liangxian.gateway.operator.Scope;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An operator's upload is no oracle for ID numbers elsewhere in the province: about anyone outside the
 * operator's area (a collector's village, an administrator's district) the answer says one thing, whatever the truth is.
 * Department lists are the district administrators' only: a collector's is refused, changing nothing.
 */
class ScopedUploadAnswersTest {
  static TestGateway g;
  static String collector;
  static String districtAdmin;

  @BeforeAll
  static void start() throws Exception {
    g = Fixture.load(new TestGateway());
    collector = g.operatorToken(Role.VILLAGE, new Scope("431103", "黄阳司镇", "黄阳司村"));
    districtAdmin = g.operatorToken(Role.ADMIN, new Scope("431103", null, null));
  }

  @AfterAll
  static void stop() throws Exception {
    g.close();
  }

  private JsonArray rejected(String file, String csv) throws Exception {
    return rejected(collector, file, csv);
  }

  private static HttpResponse<Buffer> upload(String token, String file, String csv) throws Exception {
    return g.http.post("/api/v1/operator/rosters?file=" + file).putHeader("Authorization", "Bearer " + token)
        .putHeader("Content-Type", "text/csv").sendBuffer(Buffer.buffer(csv.getBytes(StandardCharsets.UTF_8)))
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private JsonArray rejected(String token, String file, String csv) throws Exception {
    HttpResponse<Buffer> r = upload(token, file, csv);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonArray("rejected");
  }

  /** A collector's own villager put on a special group by the collector: refused, the villager's categories as they were. */
  @Test
  void aCollectorsDepartmentListIsRefusedAndChangesNothing() throws Exception {
    String categories = "select count(*) from person_category c join person p on p.id = c.person_id where p.name = '刘一'";
    long before = g.count(categories);
    HttpResponse<Buffer> r = upload(collector, "lists.csv", String.join("\n",
        "department,category,id_number,name,valid_from,valid_to", "民政,低保," + Fixture.LIU1 + ",刘一,2019-01-01,") + "\n");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(403);
    assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(r.bodyAsJsonObject().getString("detail")).contains("department list");
    assertThat(g.count(categories)).isEqualTo(before);
  }

  private static String reason(JsonArray rejected, int line) {
    return rejected.stream().map(o -> (JsonObject) o).filter(o -> o.getInteger("line") == line).findFirst().orElseThrow()
        .getString("reason");
  }

  @Test
  void aDepartmentListSaysTheSameOfAStrangerAWrongNameAndSomeoneElsewhere() throws Exception {
    String nobody = TestGateway.id("371312", "1960-05-05", 77);
    JsonArray rejected = rejected(districtAdmin, "lists.csv", String.join("\n",
        "department,category,id_number,name,valid_from,valid_to",
        "民政,低保," + Fixture.ZHANG + ",张三,2019-01-01,",      // 2: lives in 371312/汤头街道/汤头村, right name
        "民政,低保," + Fixture.ZHANG + ",王五,2019-01-01,",      // 3: the same number, a wrong name
        "民政,低保," + nobody + ",赵六,2019-01-01,",             // 4: on no roster at all
        "民政,低保," + Fixture.LIU1 + ",刘错,2019-01-01,") + "\n"); // 5: in the administrator's district, wrong name
    assertThat(reason(rejected, 2)).isEqualTo(reason(rejected, 3)).isEqualTo(reason(rejected, 4))
        .isEqualTo("not on a village roster of your area");
    assertThat(rejected.encode()).doesNotContain("371312", "汤头", "on no village roster");
    assertThat(reason(rejected, 5)).isEqualTo("name does not match the village roster");
  }

  @Test
  void aVillageRosterNamesNoHouseholdOutsideTheCollectorsVillage() throws Exception {
    JsonArray rejected = rejected("village.csv", String.join("\n",
        "region_code,township,village,household,id_number,name,local,guardian_id_number,guardian_name,guardian_phone,enrolled_elsewhere",
        "431103,黄阳司镇,黄阳司村,LS9," + Fixture.ZHANG + ",张三,true,,,,false",   // 2: already in HD1, another county
        "431103,黄阳司镇,黄阳司村,HD1," + TestGateway.id("431103", "1980-02-02", 31) + ",黄七,true,,,,false") + "\n"); // 3
    assertThat(reason(rejected, 2)).isEqualTo("person already on a village roster outside your area");
    // household numbers are per region: this county's HD1 is a household of its own, not the other county's
    assertThat(rejected.stream().map(o -> ((JsonObject) o).getInteger("line")).toList()).containsExactly(2);
    assertThat(rejected.encode()).doesNotContain("371312", "汤头");
  }
}
