package cn.liangxian.gateway.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.roster.ImportReport;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * 峄城 (notice 002 四(一)): both spouses of an only-child family get 300 yuan a year once the wife is 50. A husband's
 * subsidy is decided by his wife's age, which the roster gives with her ID number (spouse_id_number, 配偶身份证号);
 * nothing of that number but her birth date and sex is kept.
 */
class SpouseOnTheRosterTest {
  static final String HUSBAND = TestGateway.id("370404", "1968-05-01", 201);
  static final String WIFE = TestGateway.id("370404", "1970-03-01", 202);
  static final String ALONE = TestGateway.id("370404", "1967-05-01", 203);
  static final String YOUNG_WIFE = TestGateway.id("370404", "1980-03-01", 204);

  @Test
  void aHusbandIsGivenTheFamilyPlanningSubsidyByHisWifesAge() throws Exception {
    try (TestGateway g = new TestGateway()) {
      ImportReport roster = g.importCsv("yicheng.csv", "地区代码,乡镇,村,户号,身份证号,姓名,本地户籍,配偶身份证号\n"
          + "370404,峨山镇,峨山村,YC1," + HUSBAND + ",孙一,是," + WIFE + "\n"
          + "370404,峨山镇,峨山村,YC1," + WIFE + ",钱二,是," + HUSBAND + "\n"
          + "370404,峨山镇,峨山村,YC2," + ALONE + ",周三,是,\n"
          + "370404,峨山镇,峨山村,YC3," + YOUNG_WIFE + ",吴四,是,370404198003019999\n");
      assertThat(roster.imported()).as(roster.problems().toString()).isEqualTo(3);
      assertThat(roster.problems()).singleElement().satisfies(p -> assertThat(p.reason()).contains("spouse ID number"));
      ImportReport categories = g.importCsv("yicheng-family-planning.csv", "department,category,id_number,name,valid_from,valid_to\n"
          + "卫健,ONLY_CHILD_PARENT," + HUSBAND + ",孙一,2010-01-01,\n"
          + "卫健,ONLY_CHILD_PARENT," + WIFE + ",钱二,2010-01-01,\n"
          + "卫健,ONLY_CHILD_PARENT," + ALONE + ",周三,2010-01-01,\n");
      assertThat(categories.imported()).as(categories.problems().toString()).isEqualTo(3);

      assertThat(subsidyAt300(g.lookup(HUSBAND, "孙一"), HUSBAND)).as("the husband, his wife 51").isEqualTo(33_000);
      assertThat(subsidyAt300(g.lookup(HUSBAND, "孙一"), WIFE)).as("the wife, 51").isEqualTo(33_000);
      assertThat(subsidyAt300(g.lookup(ALONE, "周三"), ALONE)).as("a husband whose wife the roster does not name").isEqualTo(3_000);
      assertThat(g.count("select count(*) from person where spouse_birth_date = '1970-03-01' and spouse_sex = 'F'")).isEqualTo(1);

      // named later (a roster of the next year): the person already there takes the spouse, and the answer kept changes
      assertThat(g.importCsv("yicheng-again.csv", "地区代码,乡镇,村,户号,身份证号,姓名,本地户籍,配偶身份证号\n"
          + "370404,峨山镇,峨山村,YC2," + ALONE + ",周三,是," + WIFE + "\n").problems()).isEmpty();
      assertThat(subsidyAt300(g.lookup(ALONE, "周三"), ALONE)).isEqualTo(33_000);
    }
  }

  static long subsidyAt300(JsonObject household, String member) {
    return LookupApiTest.insurance(TestGateway.member(household, member), "pension").getJsonArray("tiers").stream()
        .map(o -> (JsonObject) o).filter(t -> t.getInteger("tier") == 300).findFirst().orElseThrow().getLong("subsidyFen");
  }
}
