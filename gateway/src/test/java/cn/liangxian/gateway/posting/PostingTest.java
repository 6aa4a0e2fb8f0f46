package cn.liangxian.gateway.posting;

import cn.liangxian.gateway.operator.Role;
import cn.liangxian.gateway.operator.Scope;
import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The public posting (公示) of a village: who is enrolled and paid, masked, as JSON, CSV and PDF. */
class PostingTest {
  static final String PATH = "/api/v1/operator/postings/431103/medical?township=" + enc("黄阳司镇") + "&village=" + enc("黄阳司村");

  static String enc(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static HttpResponse<Buffer> get(TestGateway g, String path, String token, String accept) throws Exception {
    var req = g.http.get(path).putHeader("Authorization", "Bearer " + token);
    if (accept != null) {
      req.putHeader("Accept", accept);
    }
    return req.send().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void aVillagePostingListsEveryoneMaskedWithWhatTheyPaidInJsonCsvAndPdf() throws Exception {
    try (TestGateway g = Fixture.load(new TestGateway())) {
      String collector = g.operatorToken(Role.VILLAGE, new Scope("431103", "黄阳司镇", "黄阳司村"));
      JsonObject before = get(g, PATH + "&from=2019-12-20&days=7", collector, null).bodyAsJsonObject();
      assertThat(before.getInteger("year")).isEqualTo(2020);
      assertThat(before.getJsonObject("period")).isEqualTo(new JsonObject().put("from", "2019-12-20").put("to", "2019-12-26"));
      assertThat(before.getJsonArray("persons")).hasSize(2);
      assertThat(before.getJsonObject("summary").getInteger("persons")).isEqualTo(2);
      assertThat(before.getJsonObject("summary").getLong("personalPaidFen")).isZero();
      assertThat(before.getJsonArray("persons").stream().map(o -> ((JsonObject) o).getString("status"))).doesNotContain("paid");

      // the household pays; the posting shows it at once
      JsonObject o = g.payWholeHousehold(Fixture.LIU1, "刘一", "medical", 2020, "alipay");
      g.awaitState(o.getString("id"), "PAID"); // the callback has landed: the order and its items are paid in one transaction
      JsonObject after = get(g, PATH, collector, null).bodyAsJsonObject();
      assertThat(after.getJsonObject("summary").getInteger("paid")).isEqualTo(2);
      assertThat(after.getJsonObject("summary").getLong("personalPaidFen")).isEqualTo(o.getLong("totalFen"));
      JsonObject liu1 = after.getJsonArray("persons").stream().map(x -> (JsonObject) x)
          .filter(p -> p.getString("idNumber").equals(TestGateway.masked(Fixture.LIU1))).findFirst().orElseThrow();
      assertThat(liu1.getString("name")).isEqualTo("刘*");
      assertThat(liu1.getString("statusText")).isEqualTo("已缴费");
      assertThat(liu1.getLong("personalFen")).isPositive();
      assertThat(liu1.getString("paidOn")).isEqualTo("2019-12-15");
      assertThat(after.encode()).doesNotContain(Fixture.LIU1, Fixture.LIU2, "刘一", "刘二");

      String csv = get(g, PATH, collector, "text/csv").bodyAsString();
      assertThat(csv).startsWith("\uFEFFno,household,name,id_number,status,personal_yuan,tier_yuan,paid_on\n");
      assertThat(csv.lines().count()).isEqualTo(3);
      assertThat(csv).contains("刘*," + TestGateway.masked(Fixture.LIU1) + ",已缴费," + Posting.yuan(liu1.getLong("personalFen")) + ",,2019-12-15")
          .doesNotContain(Fixture.LIU1, "刘一");

      HttpResponse<Buffer> pdf = get(g, PATH + "&from=2019-12-20", collector, "application/pdf");
      assertThat(pdf.statusCode()).isEqualTo(200);
      assertThat(pdf.getHeader("Content-Type")).isEqualTo("application/pdf");
      byte[] bytes = pdf.body().getBytes();
      assertThat(new String(bytes, 0, 5, StandardCharsets.ISO_8859_1)).isEqualTo("%PDF-");
      PDDocument reader = Loader.loadPDF(bytes);
      assertThat(reader.getNumberOfPages()).isEqualTo(1);
      String text = new PDFTextStripper().getText(reader);
      assertThat(text).contains("黄阳司村2020年度城乡居民基本医疗保险参保缴费公示", "公示期：2019年12月20日 至 2019年12月26日",
          TestGateway.masked(Fixture.LIU1), "刘*", "已缴费").doesNotContain(Fixture.LIU1, "刘一");
      assertThat(reader.getDocumentInformation().getTitle()).contains("黄阳司村");
      reader.close();

      // bad input is a problem, not a posting
      assertThat(get(g, PATH + "&days=0", collector, null).statusCode()).isEqualTo(400);
      assertThat(get(g, PATH + "&from=yesterday", collector, null).statusCode()).isEqualTo(400);
      assertThat(get(g, "/api/v1/operator/postings/431103/medical?township=" + enc("黄阳司镇"), collector, null).statusCode())
          .isEqualTo(400);
      String admin = g.adminToken();
      assertThat(get(g, "/api/v1/operator/postings/431103/medical?township=" + enc("黄阳司镇") + "&village=" + enc("无此村"), admin, null)
          .statusCode()).isEqualTo(404);
      String finance = g.operatorToken(Role.FINANCE, Scope.ALL);
      assertThat(get(g, PATH, finance, null).statusCode()).isEqualTo(403);
    }
  }

  /**
   * A difference given back since (a category that arrived late: 张三 is found on the 低保 list after paying) is not
   * posted as paid: the posting says what stays paid, as the lookup and the receipt do.
   */
  @Test
  void aDifferenceGivenBackSinceIsNotPostedAsPaid() throws Exception {
    try (TestGateway g = Fixture.load(new TestGateway())) {
      String path = "/api/v1/operator/postings/371312/medical?township=" + enc("汤头街道") + "&village=" + enc("汤头村");
      JsonObject h = g.lookup(Fixture.ZHANG, "张三");
      JsonObject o = g.payZhangFamilyMedical(h, "alipay");
      g.importCsv("late-dibao.csv", "department,category,id_number,name,valid_from,valid_to\n民政,DIBAO," + Fixture.ZHANG
          + ",张三,2019-01-01,\n");
      String finance = g.operatorToken(Role.FINANCE, Scope.ALL);
      HttpResponse<Buffer> refund = g.http.post("/api/v1/operator/refunds").putHeader("Content-Type", "application/json")
          .putHeader("Authorization", "Bearer " + finance)
          .sendBuffer(Buffer.buffer(new JsonObject().put("orderId", o.getString("id")).put("memberRef", TestGateway.ref(h, Fixture.ZHANG))
              .put("insurance", "medical").put("reason", "category-arrived").encode()))
          .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      assertThat(refund.statusCode()).as(refund.bodyAsString()).isEqualTo(200);
      long back = refund.bodyAsJsonObject().getLong("amountFen");
      assertThat(back).isPositive();
      cn.liangxian.gateway.support.Eventually.until("the difference given back", () -> g.count("select count(*) from refund"
          + " where order_id = '" + o.getString("id") + "' and state = 'SUCCESS'") == 1);

      JsonObject posted = get(g, path, g.adminToken(), null).bodyAsJsonObject();
      JsonObject zhang = posted.getJsonArray("persons").stream().map(x -> (JsonObject) x)
          .filter(p -> p.getString("idNumber").equals(TestGateway.masked(Fixture.ZHANG))).findFirst().orElseThrow();
      JsonObject shown = g.lookup(Fixture.ZHANG, "张三").getJsonArray("members").stream().map(x -> (JsonObject) x)
          .filter(m -> m.getString("idNumber").equals(TestGateway.masked(Fixture.ZHANG))).findFirst().orElseThrow()
          .getJsonArray("insurances").stream().map(x -> (JsonObject) x).filter(i -> i.getString("insurance").equals("medical"))
          .findFirst().orElseThrow();
      assertThat(zhang.getLong("personalFen")).as("what stays paid, as the lookup says").isEqualTo(shown.getLong("personalFen"))
          .isEqualTo(25000 - back);
      assertThat(posted.getJsonObject("summary").getLong("personalPaidFen")).isEqualTo(o.getLong("totalFen") - back);
    }
  }
}
