package cn.liangxian.gateway.progress;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Targets from config/targets (003 附件1/2) against the roster and what is paid, live. */
class ProgressTest {
  String TOKEN;

  HttpResponse<Buffer> progress(TestGateway g, String path, String accept, String token) throws Exception {
    var req = g.http.get(path);
    if (token != null) {
      req.putHeader("Authorization", "Bearer " + token);
    }
    if (accept != null) {
      req.putHeader("Accept", accept);
    }
    return req.send().toCompletionStage().toCompletableFuture().get();
  }

  static HttpResponse<Buffer> targets(TestGateway g, String token, String csv) throws Exception {
    return g.http.post("/api/v1/operator/targets?file=revised.csv").putHeader("Authorization", "Bearer " + token)
        .putHeader("Content-Type", "text/csv").sendBuffer(Buffer.buffer(csv)).toCompletionStage().toCompletableFuture().get();
  }

  static JsonObject township(JsonObject p, String name) {
    return p.getJsonArray("townships").stream().map(o -> (JsonObject) o).filter(t -> t.getString("township").equals(name))
        .findFirst().orElseThrow();
  }

  @Test
  void enrolledAndPaidAgainstTheTownshipTargetsOfNotice003() throws Exception {
    try (TestGateway g = Fixture.load(new TestGateway())) {
      TOKEN = g.adminToken();
      String path = "/api/v1/operator/progress/431103/medical";
      assertThat(progress(g, path, null, null).statusCode()).isEqualTo(401);
      JsonObject before = progress(g, path, null, TOKEN).bodyAsJsonObject();
      assertThat(before.getInteger("year")).isEqualTo(2020);
      assertThat(before.getLong("target")).isEqualTo(461_604); // the rows of 附件2 (its 合计 line says 462,000)
      assertThat(before.getJsonArray("townships")).hasSize(21);
      JsonObject hys = township(before, "黄阳司镇");
      assertThat(hys.getInteger("target")).isEqualTo(42_988);
      assertThat(hys.getLong("enrolled")).isEqualTo(2);
      assertThat(hys.getLong("paid")).isZero();
      assertThat(hys.getJsonArray("villages")).singleElement().satisfies(v -> {
        assertThat(((JsonObject) v).getString("village")).isEqualTo("黄阳司村");
        assertThat(((JsonObject) v).getLong("enrolled")).isEqualTo(2);
      });

      // the whole family pays (003 三(二)); progress moves at once
      JsonObject o = g.payWholeHousehold(Fixture.LIU1, "刘一", "medical", 2020, "wechat");
      g.awaitState(o.getString("id"), "PAID"); // the callback has landed: the order and its items are paid in one transaction
      JsonObject after = progress(g, path, null, TOKEN).bodyAsJsonObject();
      assertThat(township(after, "黄阳司镇").getLong("paid")).isEqualTo(2);
      assertThat(township(after, "黄阳司镇").getDouble("paidRate")).isEqualTo(2 / 42_988.0);

      String csv = progress(g, path, "text/csv", TOKEN).bodyAsString();
      // a BOM first, so that a spreadsheet on a Chinese Windows reads the townships' names as UTF-8
      assertThat(csv.lines().findFirst().orElseThrow()).isEqualTo("\uFEFFtownship,village,enrolled,paid,target,paid_rate");
      assertThat(csv).contains("黄阳司镇,,2,2,42988,0.0000", "黄阳司镇,黄阳司村,2,2,,");
      assertThat(progress(g, "/api/v1/operator/progress/431103/pension", null, TOKEN).bodyAsJsonObject().getLong("target"))
          .isEqualTo(150_812);
      assertThat(progress(g, "/api/v1/operator/progress/999999/medical", null, TOKEN).statusCode()).isEqualTo(404);

      // an administrator publishes a revised table: all or nothing, in scope only, audited before/after
      String revised = "region_code,township,village,insurance,year,target,source\n431103,黄阳司镇,,medical,2020,43000,revised\n"
          + "431103,黄阳司镇,黄阳司村,medical,2020,3,revised\n";
      assertThat(targets(g, TOKEN, revised.replace("43000", "many")).statusCode()).isEqualTo(422);
      assertThat(township(progress(g, path, null, TOKEN).bodyAsJsonObject(), "黄阳司镇").getInteger("target")).isEqualTo(42_988);
      String district = g.operatorToken(cn.liangxian.gateway.operator.Role.ADMIN, new cn.liangxian.gateway.operator.Scope("371312", null, null));
      assertThat(targets(g, district, revised).statusCode()).isEqualTo(403);
      String township = g.operatorToken(cn.liangxian.gateway.operator.Role.TOWNSHIP,
          new cn.liangxian.gateway.operator.Scope("431103", "黄阳司镇", null));
      assertThat(targets(g, township, revised).statusCode()).isEqualTo(403);
      HttpResponse<Buffer> ok = targets(g, TOKEN, revised);
      assertThat(ok.statusCode()).as(ok.bodyAsString()).isEqualTo(200);
      JsonObject revisedProgress = township(progress(g, path, null, TOKEN).bodyAsJsonObject(), "黄阳司镇");
      assertThat(revisedProgress.getInteger("target")).isEqualTo(43_000);
      assertThat(((JsonObject) revisedProgress.getJsonArray("villages").getValue(0)).getInteger("target")).isEqualTo(3);
      try (var c = g.db.connect(); var st = c.createStatement();
          var rs = st.executeQuery("select before::text, after::text from audit_log where action = 'targets.import' and status is null")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).contains("42988");
        assertThat(rs.getString(2)).contains("43000");
      }
      assertThat(progress(g, "/api/v1/operator/progress/431103/dental", null, TOKEN).statusCode()).isEqualTo(400);
    }
  }
}
