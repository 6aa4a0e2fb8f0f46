package cn.liangxian.gateway.progress;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.http.Failures;
import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.lookup.Regions;
import cn.liangxian.gateway.operator.Operator;
import cn.liangxian.gateway.operator.Role;
import cn.liangxian.gateway.operator.Scope;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.gateway.support.WorkerWatch;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import java.nio.charset.Charset;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

  /** The files changed for a place revised through the API since: the start leaves the revision and names what it left. */
  @Test
  void aFileFigureLeftForARevisionIsNamed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    String header = "region_code,township,village,insurance,year,target,source\n";
    HttpResponse<Buffer> r = upload(Buffer.buffer(header + "431103,黄阳司镇,黄阳司村,pension,2019,500,revised\n"));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    java.nio.file.Files.writeString(dir.resolve("targets.csv"), header + "431103,黄阳司镇,黄阳司村,pension,2019,480,文件\n"
        + "431103,黄阳司镇,,pension,2019,9000,文件\n");

    Targets.Loaded loaded = Targets.load(g.db, dir);

    assertThat(loaded.keptRevised()).containsExactly("431103/黄阳司镇/黄阳司村 pension 2019: 480 in targets.csv line 2, revised to 500");
    assertThat(g.count("select target from target where village = '黄阳司村' and insurance = 'pension' and year = 2019"))
        .isEqualTo(500);
    assertThat(g.count("select target from target where township = '黄阳司镇' and village = '' and insurance = 'pension'"
        + " and year = 2019")).as("the file's other row, set").isEqualTo(9000);
    assertThat(loaded.rows()).isEqualTo(1);

    // the same figure in the file as the revision: nothing to say
    java.nio.file.Files.writeString(dir.resolve("targets.csv"), header + "431103,黄阳司镇,黄阳司村,pension,2019,500,文件\n");
    assertThat(Targets.load(g.db, dir).keptRevised()).isEmpty();
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

  @Test
  void theTableIsDecodedParsedAndCheckedOnAWorkerNeverOnTheEventLoop() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      // the handler alone behind a router of its own, its Vert.x watched, as administrator of everything
      WorkerWatch watch = new WorkerWatch(vertx);
      Pool pool = PgBuilder.pool().connectingTo(g.db.connectOptions(1)).using(vertx).build();
      Router router = Router.router(vertx);
      router.route().handler(BodyHandler.create(false)).handler(ctx -> {
        ctx.put("operator", new Operator("admin", Role.ADMIN, Scope.ALL));
        ctx.next();
      });
      Regions regions = Regions.load(g.gateway.options(), g.clock);
      router.post("/targets").handler(new TargetUploadHandler(watch.vertx(), pool, regions)::handle);
      router.route().failureHandler(Failures::handle);
      HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").toCompletionStage()
          .toCompletableFuture().get(20, TimeUnit.SECONDS);
      WebClient http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
          .setDefaultPort(server.actualPort()));

      String csv = "region_code,township,village,insurance,year,target,source\n431103,黄阳司镇,,pension,2021,31000,revised\n";
      HttpResponse<Buffer> r = http.post("/targets").putHeader("Content-Type", "text/csv")
          .sendBuffer(Buffer.buffer(csv.getBytes(Charset.forName("GBK")))).toCompletionStage().toCompletableFuture()
          .get(20, TimeUnit.SECONDS);
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      assertThat(r.bodyAsJsonObject().getInteger("imported")).isEqualTo(1);
      assertThat(g.count("select count(*) from target where township = '黄阳司镇' and insurance = 'pension' and year = 2021"
          + " and target = 31000")).isEqualTo(1);
      assertThat(watch.work()).as("the table is read on a worker").anySatisfy(w -> {
        assertThat(w.outcome()).isInstanceOf(List.class);
        assertThat(w.onWorker()).isTrue();
      });

      // a bad table is refused from the worker as before: 422, every bad line named
      String twice = csv + csv.substring(csv.indexOf('\n') + 1);
      r = http.post("/targets").putHeader("Content-Type", "text/csv").sendBuffer(Buffer.buffer(twice)).toCompletionStage()
          .toCompletableFuture().get(20, TimeUnit.SECONDS);
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(422);
      assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
      assertThat(r.bodyAsJsonObject().getJsonArray("problems").encode()).contains("line 3");
      assertThat(watch.work()).as("the bad table is found bad on a worker").anySatisfy(w -> {
        assertThat(w.outcome()).isInstanceOf(Problem.class);
        assertThat(((Problem) w.outcome()).status()).isEqualTo(422);
        assertThat(w.onWorker()).isTrue();
      });
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }
}
