package cn.liangxian.gateway.progress;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.Charset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A target table as administrators upload it: a spreadsheet's own encoding, and tables that say two things at once. */
class TargetUploadTest {
  static TestGateway g;
  static String token;
  static final String PATH = "/api/v1/operator/progress/431103/medical";

  @BeforeAll
  static void start() throws Exception {
    g = Fixture.load(new TestGateway());
    token = g.adminToken();
  }

  @AfterAll
  static void stop() throws Exception {
    g.close();
  }

  static HttpResponse<Buffer> upload(Buffer csv) throws Exception {
    return g.http.post("/api/v1/operator/targets?file=revised.csv").putHeader("Authorization", "Bearer " + token)
        .putHeader("Content-Type", "text/csv").sendBuffer(csv).toCompletionStage().toCompletableFuture().get();
  }

  static JsonObject huangyangsi() throws Exception {
    JsonObject p = g.http.get(PATH).putHeader("Authorization", "Bearer " + token).send().toCompletionStage().toCompletableFuture()
        .get().bodyAsJsonObject();
    return ProgressTest.township(p, "黄阳司镇");
  }

  static long targetRows() throws Exception {
    return g.count("select count(*) from target");
  }

  @Test
  void aTableSavedByASpreadsheetInGbkReadsAsItsNames() throws Exception {
    String csv = "region_code,township,village,insurance,year,target,source\n431103,黄阳司镇,,medical,2020,43001,revised\n";
    long rows = targetRows();
    HttpResponse<Buffer> r = upload(Buffer.buffer(csv.getBytes(Charset.forName("GBK"))));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(huangyangsi().getInteger("target")).isEqualTo(43_001);
    assertThat(targetRows()).as("no township of garbled name").isEqualTo(rows);
  }

  /** A gateway starting (another instance, or this one restarted) loads the files' targets, but not over a revision. */
  @Test
  void aTargetRevisedThroughTheApiOutlivesTheNextStart() throws Exception {
    int fromFiles = huangyangsi().getInteger("target");
    String csv = "region_code,township,village,insurance,year,target,source\n431103,黄阳司镇,,medical,2020," + (fromFiles + 17)
        + ",revised\n";
    HttpResponse<Buffer> r = upload(Buffer.buffer(csv));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    try (TestGateway restarted = TestGateway.beside(g)) {
      assertThat(huangyangsi().getInteger("target")).isEqualTo(fromFiles + 17);
      assertThat(g.count("select count(*) from target where not revised")).as("the files' other targets, still loaded").isPositive();
    }
  }

  @Test
  void aMisspelledColumnIsRefusedAndChangesNothing() throws Exception {
    // "vilage": the village targets would each become the township's
    String csv = "region_code,township,vilage,insurance,year,target,source\n431103,黄阳司镇,黄阳司村,medical,2020,3,revised\n";
    int before = huangyangsi().getInteger("target");
    HttpResponse<Buffer> r = upload(Buffer.buffer(csv));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(422);
    assertThat(r.bodyAsString()).contains("vilage");
    assertThat(huangyangsi().getInteger("target")).isEqualTo(before);
  }

  @Test
  void aTableGivingOnePlaceTwoTargetsIsRefusedAndChangesNothing() throws Exception {
    String csv = "region_code,township,village,insurance,year,target,source\n431103,黄阳司镇,,medical,2020,50000,revised\n"
        + "431103,黄阳司镇,,medical,2020,7,revised\n";
    int before = huangyangsi().getInteger("target");
    HttpResponse<Buffer> r = upload(Buffer.buffer(csv));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(422);
    assertThat(r.bodyAsString()).contains("line 3");
    assertThat(huangyangsi().getInteger("target")).isEqualTo(before);
  }
}
