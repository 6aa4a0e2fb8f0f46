package cn.liangxian.gateway.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.roster.ImportReport;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A resident back after a break in medical cover waits, as a book's {@code continuity} says (国办发〔2024〕38号): the roster's
 * 上次参保年度 says how long the break was, the lookup says when cover starts before anyone pays, and a later roster that
 * records a later year of cover changes the answer kept for the household.
 */
class BreakInCoverTest {
  static final String BACK = TestGateway.id("371312", "1975-02-01", 301);
  static final String STAYED = TestGateway.id("371312", "1977-03-01", 302);
  static final String UNKNOWN = TestGateway.id("371312", "1999-04-01", 303);
  static final String HEADER = "地区代码,乡镇,村,户号,身份证号,姓名,本地户籍,上次参保年度\n";

  @Test
  void aBreakInCoverOnTheRosterMakesTheLookupSayTheLaterStart() throws Exception {
    try (TestGateway g = Fixture.load(new TestGateway())) {
      ImportReport roster = g.importCsv("hedong-2020.csv", HEADER
          + "371312,芝麻墩街道,相公村,XG1," + BACK + ",赵一,是,2018年\n"
          + "371312,芝麻墩街道,相公村,XG1," + STAYED + ",赵二,是,2019\n"
          + "371312,芝麻墩街道,相公村,XG1," + UNKNOWN + ",赵三,是,\n"
          + "371312,芝麻墩街道,相公村,XG2," + TestGateway.id("371312", "1980-05-01", 304) + ",钱四,是,去年\n"
          + "371312,芝麻墩街道,相公村,XG3," + TestGateway.id("371312", "1981-05-01", 305) + ",孙五,是,2052\n");
      assertThat(roster.imported()).as(roster.problems().toString()).isEqualTo(3);
      assertThat(roster.problems()).hasSize(2).allSatisfy(p -> assertThat(p.reason()).contains("上次参保年度", "1990 to 2020"));
      assertThat(g.count("select count(*) from person where medical_last_year = 2018")).isEqualTo(1);
      assertThat(roster.ignoredColumns()).isEmpty();
      // a header's misspelt column is said, not dropped without a word
      ImportReport misspelt = g.importCsv("misspelt.csv", HEADER.replace("上次参保年度", "上次参保年份") + "371312,芝麻墩街道,相公村,XG4,"
          + TestGateway.id("371312", "1982-05-01", 306) + ",李六,是,2018\n");
      assertThat(misspelt.ignoredColumns()).containsExactly("上次参保年份");
      assertThat(misspelt.summary()).endsWith("; columns not read: 上次参保年份");
      // before the book says anything of breaks: the year's start for all
      assertThat(coverageStart(g, BACK)).isEqualTo("2020-01-01");

      String hedong = Files.readString(TestGateway.repo().resolve("config/policies/hedong-2020.yaml"));
      String withContinuity = hedong.replaceFirst("\n  late:\n", "\n  continuity: {lapsedWaitMonths: 3, perExtraYearMonths: 1, maxWaitMonths: 6,"
          + " source: 000 三(二)3}\n  late:\n");
      HttpResponse<Buffer> up = g.http.post("/api/v1/operator/books?file=hedong-2020-continuity.yaml&activateOn=2019-12-15&sample=0")
          .putHeader("Content-Type", "application/yaml").putHeader("Authorization", "Bearer " + g.adminToken())
          .sendBuffer(Buffer.buffer(withContinuity)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(up.statusCode()).as(up.bodyAsString()).isEqualTo(201);

      JsonObject back = medical(g, BACK);
      assertThat(back.getString("coverageStart")).as("a year without cover: three months from the year's start").isEqualTo("2020-04-01");
      assertThat(back.getJsonArray("rules").stream().map(r -> ((JsonObject) r).getString("id"))).contains("continuity");
      assertThat(back.getLong("personalFen")).as("the same amount: only cover waits").isEqualTo(25_000);
      assertThat(coverageStart(g, STAYED)).as("covered last year").isEqualTo("2020-01-01");
      assertThat(coverageStart(g, UNKNOWN)).as("the roster says nothing").isEqualTo("2020-01-01");

      // the agency's next roster records cover in 2019 after all: taken, and the household assessed again; an older
      // year for another never undoes a later one
      ImportReport again = g.importCsv("hedong-2020-again.csv", HEADER
          + "371312,芝麻墩街道,相公村,XG1," + BACK + ",赵一,是,2019\n"
          + "371312,芝麻墩街道,相公村,XG1," + STAYED + ",赵二,是,2016\n");
      assertThat(again.problems()).isEmpty();
      // the later year taken is a change, reported and audited as one; the earlier one is not
      assertThat(again.imported()).isEqualTo(1);
      assertThat(again.unchanged()).isEqualTo(1);
      assertThat(g.count("select count(*) from audit_log where subject = 'hedong-2020-again.csv' and after->>'updated' = '1'"))
          .isEqualTo(1);
      assertThat(coverageStart(g, BACK)).isEqualTo("2020-01-01");
      assertThat(coverageStart(g, STAYED)).isEqualTo("2020-01-01");
    }
  }

  static JsonObject medical(TestGateway g, String id) throws Exception {
    return LookupApiTest.insurance(TestGateway.member(g.lookup(BACK, "赵一"), id), "medical");
  }

  static String coverageStart(TestGateway g, String id) throws Exception {
    return medical(g, id).getString("coverageStart");
  }
}
