package cn.liangxian.gateway.roster;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.lookup.Regions;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.policy.PolicyBook;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import cn.liangxian.gateway.support.TestGateway;
import java.nio.charset.Charset;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RosterImportTest {
  TestGateway g;

  @BeforeEach
  void start() throws Exception {
    g = new TestGateway();
  }

  @AfterEach
  void stop() throws Exception {
    g.close();
  }

  long count(String sql) throws Exception {
    return g.count(sql);
  }

  @Test
  void everyBadRowIsReportedWithItsLineWhileGoodRowsImport() {
    String good = TestGateway.id("371312", "1970-01-01", 11);
    String child = TestGateway.id("371312", "2012-01-01", 13);
    String twice = TestGateway.id("371312", "1971-01-01", 15);
    String csv = String.join("\n",
        "region_code,township,village,household,id_number,name,local,guardian_id_number,guardian_name,guardian_phone,enrolled_elsewhere",
        "371312,汤头街道,汤头村,H1," + good + ",赵一,true,,,,false",                                   // 2 ok
        "371312,汤头街道,汤头村,H1,371312197001010000,钱二,true,,,,false",                           // 3 bad check digit
        "999999,汤头街道,汤头村,H2," + TestGateway.id("371312", "1972-01-01", 17) + ",孙三,true,,,,false", // 4 unknown region
        "371312,汤头街道,汤头村,H1," + child + ",赵小,true,371312197001010000,赵一,,false",            // 5 guardian's ID bad
        "371312,汤头街道,汤头村,H3," + twice + ",李四,true,,,,false",                                  // 6 ok
        "371312,汤头街道,汤头村,H4," + twice + ",李四,true,,,,false",                                  // 7 second household
        "371312,汤头街道,汤头村,H1,,周五,true,,,,false",                                              // 8 no ID
        "371312,汤头街道,汤头村,H1," + TestGateway.id("371312", "1973-01-01", 19) + ",吴六,maybe,,,,false",  // 9
        // 10: a comma inside the name without quotes: the row has a field too many, and would shift
        "371312,汤头街道,汤头村,H1," + TestGateway.id("371312", "1974-01-01", 21) + ",郑,七,true,,,,false",
        // 11: the empty fields at the end left off, as spreadsheets do: read as empty
        "371312,汤头街道,汤头村,H5," + TestGateway.id("371312", "1975-01-01", 23) + ",王八") + "\n";
    ImportReport r = g.importCsv("village.csv", csv);
    assertThat(r.rows()).isEqualTo(10);
    assertThat(r.imported()).isEqualTo(3);
    assertThat(r.problems()).extracting(RosterProblem::line).containsExactly(3, 4, 5, 7, 8, 9, 10);
    assertThat(r.problems().get(6).reason()).contains("has 12 fields where the header has 11 columns");
    assertThat(r.problems().get(0).reason()).contains("invalid ID number", "check character");
    assertThat(r.problems().get(1).reason()).contains("unknown region code '999999'");
    assertThat(r.problems().get(2).reason()).contains("invalid guardian ID number");
    assertThat(r.problems().get(3).reason()).contains("person in two households", "line 6");
    assertThat(r.problems().get(4).reason()).contains("invalid ID number");
    assertThat(r.problems().get(5).reason()).contains("true/false");
  }

  /**
   * A guardian for a minor is required only where the region's notice asks for one (张山子镇: name, ID number and phone
   * under 16, its book's roster.guardian); elsewhere a child is registered without one.
   */
  @Test
  void aGuardianIsRequiredWhereTheRegionsNoticeAsksForOne() throws Exception {
    String parent = TestGateway.id("370405", "1980-01-01", 31);
    String child = TestGateway.id("370405", "2012-01-01", 33);
    String hedongChild = TestGateway.id("371312", "2012-02-02", 35);
    String csv = String.join("\n",
        "region_code,township,village,household,id_number,name,local,guardian_id_number,guardian_name,guardian_phone,enrolled_elsewhere",
        "370405,张山子镇,张山子村,Z1," + child + ",孙小,true,,,,false",                                   // 2 no guardian
        "370405,张山子镇,张山子村,Z1," + child + ",孙小,true," + parent + ",孙大,,false",                 // 3 no phone
        "370405,张山子镇,张山子村,Z1," + child + ",孙小,true," + parent + ",孙大,13800000000,false",      // 4 ok
        "371312,汤头街道,汤头村,H9," + hedongChild + ",钱小,true,,,,false") + "\n";                      // 5 ok here
    ImportReport r = g.importCsv("village.csv", csv);
    assertThat(r.problems()).extracting(RosterProblem::line).containsExactly(2, 3);
    assertThat(r.problems().get(0).reason()).contains("under 16 without guardian", "guardian_phone", "001 附件2 五");
    assertThat(r.imported()).isEqualTo(2);
    // the guardian's phone is kept sealed for its own column, never in clear, and never opens as an ID number would
    try (Connection c = g.db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("select guardian_phone_enc from person where guardian_phone_enc is not null")) {
      assertThat(rs.next()).isTrue();
      byte[] stored = rs.getBytes(1);
      assertThat(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("13800000000");
      assertThat(new String(g.gateway.cipher().open(stored, RosterRowCheck.GUARDIAN_PHONE), java.nio.charset.StandardCharsets.UTF_8))
          .isEqualTo("13800000000");
      assertThat(RosterRowCheck.guardianPhone(g.gateway.cipher(), stored)).isEqualTo("13800000000");
      // one imported before the phone had a purpose of its own (sealed as an ID number) reads the same
      assertThat(RosterRowCheck.guardianPhone(g.gateway.cipher(), g.gateway.cipher().encrypt("13900000000"))).isEqualTo("13900000000");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> g.gateway.cipher().decrypt(stored)).isInstanceOf(IllegalStateException.class);
      assertThat(rs.next()).isFalse();
    }
  }

  @Test
  void aHouseholdNumberIsOneCountysNumberNotTheProvinces() throws Exception {
    // two counties' registers both have household 0001: two households, each of its own region
    String hedong = TestGateway.id("371312", "1970-01-01", 11);
    String lengshuitan = TestGateway.id("431103", "1971-01-01", 13);
    String csv = String.join("\n",
        "region_code,township,village,household,id_number,name,local,guardian_id_number,guardian_name,guardian_phone,enrolled_elsewhere",
        "371312,汤头街道,汤头村,0001," + hedong + ",赵一,true,,,,false",
        "431103,梧桐街道,梧桐村,0001," + lengshuitan + ",钱二,true,,,,false") + "\n";
    ImportReport r = g.importCsv("two-counties.csv", csv);
    assertThat(r.problems()).isEmpty();
    assertThat(r.imported()).isEqualTo(2);
    assertThat(count("select count(distinct household_id) from person")).isEqualTo(2);
    assertThat(g.lookup(hedong, "赵一").getJsonArray("members")).hasSize(1);
    assertThat(g.lookup(lengshuitan, "钱二").getJsonArray("members")).hasSize(1);

    // within one county the number is still one household: another village cannot take it
    String third = TestGateway.id("371312", "1972-01-01", 17);
    ImportReport again = g.importCsv("same-county.csv", csv.lines().findFirst().orElseThrow() + "\n"
        + "371312,汤头街道,西村,0001," + third + ",孙三,true,,,,false\n");
    assertThat(again.problems()).singleElement().extracting(RosterProblem::reason).asString()
        .contains("household 0001 belongs to another village");
  }

  /** A line refused for its household's village does not list its person: the person's later good line is imported. */
  @Test
  void aPersonOnALineRefusedForItsVillageIsImportedFromTheirNextLine() throws Exception {
    String header = "region_code,township,village,household,id_number,name,local,guardian_id_number,guardian_name,guardian_phone,"
        + "enrolled_elsewhere\n";
    String zhao = TestGateway.id("371312", "1970-01-01", 11);
    String qian = TestGateway.id("371312", "1971-01-01", 13);
    ImportReport r = g.importCsv("village.csv", header
        + "371312,汤头街道,东村,0001," + zhao + ",赵一,true,,,,false\n"     // 2
        + "371312,汤头街道,西村,0001," + qian + ",钱二,true,,,,false\n"     // 3: 0001 is 东村's in this file
        + "371312,汤头街道,东村,0001," + qian + ",钱二,true,,,,false\n");   // 4: the right village
    assertThat(r.problems()).singleElement().satisfies(p -> {
      assertThat(p.line()).isEqualTo(3);
      assertThat(p.reason()).contains("also listed in another village");
    });
    assertThat(r.imported()).isEqualTo(2);
    assertThat(g.lookup(qian, "钱二").getJsonArray("members")).hasSize(2);
  }

  /**
   * Two villages' files naming the same household number of one region, imported at once on two instances: the second
   * waits for the first, then finds the number taken and refuses its line, rather than putting its persons into the
   * first village's household. The first import is held open here (its household written, not committed).
   */
  @Test
  void twoVillagesImportingOneHouseholdNumberAtOnceNeverShareIt() throws Exception {
    String header = "region_code,township,village,household,id_number,name,local,guardian_id_number,guardian_name,guardian_phone,"
        + "enrolled_elsewhere\n";
    String sun = TestGateway.id("371312", "1972-01-01", 17);
    java.util.concurrent.CompletableFuture<ImportReport> west;
    try (Connection east = g.db.connect(); Statement st = east.createStatement()) {
      east.setAutoCommit(false);
      // the first import, of 东村, as far as its household: holding the region's import, its rows not committed yet
      st.execute("select pg_advisory_xact_lock(" + BulkLoad.ROSTER_LOCK + ", hashtext('371312'))");
      st.execute("insert into village (region_code, township, name) values ('371312', '汤头街道', '东村')");
      st.execute("insert into household (village_id, region_code, roster_ref) select id, '371312', '0001' from village"
          + " where name = '东村'");
      west = java.util.concurrent.CompletableFuture.supplyAsync(() -> g.importCsv("west.csv", header
          + "371312,汤头街道,西村,0001," + sun + ",孙三,true,,,,false\n"));
      cn.liangxian.gateway.support.Eventually.until("the second import to wait for the first", () -> count(
          "select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'") > 0);
      east.commit();
    }
    ImportReport r = west.get(60, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(r.problems()).singleElement().extracting(RosterProblem::reason).asString()
        .contains("household 0001 belongs to another village");
    assertThat(r.imported()).isZero();
    assertThat(count("select count(*) from person")).isZero();
  }

  @Test
  void aLineAtOddsWithTheDatabaseTwiceIsOneLineRefused() throws Exception {
    String header = "region_code,township,village,household,id_number,name,local,guardian_id_number,guardian_name,guardian_phone,"
        + "enrolled_elsewhere\n";
    String zhao = TestGateway.id("371312", "1970-01-01", 11);
    g.importCsv("first.csv", header + "371312,汤头街道,汤头村,0001," + zhao + ",赵一,true,,,,false\n"
        + "371312,汤头街道,西村,0002," + TestGateway.id("371312", "1971-01-01", 13) + ",钱二,true,,,,false\n");
    // 赵一 is in household 0001, and 0002 is 西村's: the one line is at odds with the database on both counts
    ImportReport r = g.importCsv("second.csv", header + "371312,汤头街道,东村,0002," + zhao + ",赵一,true,,,,false\n");
    assertThat(r.problems()).extracting(RosterProblem::reason).hasSize(2);
    assertThat(r.rows()).isEqualTo(1);
    assertThat(r.imported()).isZero();
    assertThat(r.unchanged()).as("the line was refused, not left unchanged, and never fewer than none").isZero();
  }

  @Test
  void thePlannersStatisticsAreFreshRightAfterAnImport() throws Exception {
    // reltuples is what ANALYZE last counted; autovacuum is kept off these tables of the test's own database
    // (on a busy server it may analyse them at any moment), so only the import's own ANALYZE sets it
    try (Connection c = g.db.connect(); Statement st = c.createStatement()) {
      for (String table : new String[] {"person", "household", "village", "person_category"}) {
        st.execute("alter table " + table + " set (autovacuum_enabled = false)");
      }
    }
    String rows = "select reltuples::bigint from pg_class where relname = ";
    assertThat(count(rows + "'person'")).isLessThanOrEqualTo(0);
    g.importCsv("roster.csv", Fixture.ROSTER);
    assertThat(count(rows + "'person'")).isEqualTo(7);
    assertThat(count(rows + "'household'")).isEqualTo(3);
    g.importCsv("departments.csv", Fixture.DEPARTMENTS);
    assertThat(count(rows + "'person_category'")).isEqualTo(2);

    // a hundred more: over a tenth of what was counted, analysed again
    StringBuilder many = new StringBuilder(Fixture.ROSTER.lines().findFirst().orElseThrow()).append('\n');
    for (int i = 0; i < 100; i++) {
      many.append("371312,汤头街道,东石村,HDM").append(i).append(',').append(TestGateway.id("371312", "1977-07-07", 2 * i + 1))
          .append(",赵一,true,,,,false\n");
    }
    assertThat(g.importCsv("many.csv", many.toString()).problems()).isEmpty();
    assertThat(count(rows + "'person'")).isEqualTo(107);
    // one more is well within autovacuum's own rule: the import leaves the statistics to it
    g.importCsv("one.csv", Fixture.ROSTER.lines().findFirst().orElseThrow() + "\n371312,汤头街道,东石村,HDM0,"
        + TestGateway.id("371312", "1977-07-08", 1) + ",赵二,true,,,,false\n");
    assertThat(count("select count(*) from person")).isEqualTo(108);
    assertThat(count(rows + "'person'")).isEqualTo(107);
  }

  @Test
  void importingTheSameFileTwiceChangesNothing() throws Exception {
    ImportReport first = g.importCsv("roster.csv", Fixture.ROSTER);
    ImportReport second = g.importCsv("roster.csv", Fixture.ROSTER);
    assertThat(first.imported()).isEqualTo(7);
    assertThat(second.imported()).isZero();
    assertThat(second.unchanged()).isEqualTo(7);
    assertThat(count("select count(*) from person")).isEqualTo(7);
    assertThat(count("select count(*) from household")).isEqualTo(3);
    g.importCsv("departments.csv", Fixture.DEPARTMENTS);
    assertThat(g.importCsv("departments.csv", Fixture.DEPARTMENTS).imported()).isZero();
    assertThat(count("select count(*) from person_category")).isEqualTo(2);

    // the same person moved to another household by a later file is refused, not moved
    String moved = Fixture.ROSTER.lines().filter(l -> l.contains(Fixture.LI)).findFirst().orElseThrow().replace("HD1", "HD9");
    ImportReport r = g.importCsv("moved.csv", Fixture.ROSTER.lines().findFirst().orElseThrow() + "\n" + moved + "\n");
    assertThat(r.problems()).singleElement().satisfies(p -> assertThat(p.reason()).contains("already in household HD1"));
  }

  @Test
  void departmentListsUnknownCategoriesStrangersAndCrossChecks() throws Exception {
    g.importCsv("roster.csv", Fixture.ROSTER);
    String stranger = TestGateway.id("371312", "1950-01-01", 21);
    String csv = String.join("\n",
        "部门,类别,身份证号,姓名,起始日期,截止日期",
        "民政,低保," + Fixture.GRANNY + ",王奶奶,2019-01-01,",
        "残联,SEVERE_DISABLED," + Fixture.GRANNY + ",王奶奶,2019-01-01,2020-12-31",
        "民政,GOLD_MEMBER," + Fixture.ZHANG + ",张三,,",
        "民政,DIBAO," + stranger + ",无名,,",
        "民政,DIBAO," + Fixture.LI + ",李五,,",
        "民政,DIBAO," + Fixture.ZHANG + ",张三,2020-01-01,2019-01-01",
        // a date Java reads and PostgreSQL would refuse: this row refused, not the whole list
        "民政,DIBAO," + Fixture.ZHANG + ",张三,+999999999-12-31,",
        // certified long ago, with no end: as written
        "残联,DISABLED," + Fixture.LI + ",李四,1995-03-01,9999-12-31") + "\n";
    ImportReport r = g.importCsv("departments.csv", csv);
    assertThat(r.imported()).isEqualTo(3);
    assertThat(r.problems()).extracting(RosterProblem::line).containsExactly(4, 5, 6, 7, 8);
    assertThat(r.problems().get(4).reason()).contains("valid_from and valid_to must be dates YYYY-MM-DD from 1900 to 9999");
    assertThat(r.problems().get(0).reason()).contains("unknown category 'GOLD_MEMBER'");
    assertThat(r.problems().get(1).reason()).contains("on no village roster");
    assertThat(r.problems().get(2).reason()).contains("name does not match");
    assertThat(r.problems().get(3).reason()).contains("valid_to is before valid_from");
    // on two departments' lists: flagged so that no one is paid for twice
    assertThat(r.crossChecks()).isEqualTo(1);
    assertThat(count("select count(*) from cross_check")).isEqualTo(1);
  }

  /**
   * A department lists a person again with other dates (their 低保 ended in June): the new dates are taken, and decide
   * what they owe; the same list again changes nothing.
   */
  @Test
  void aDepartmentListImportedAgainWithOtherDatesTakesThem() throws Exception {
    g.importCsv("roster.csv", Fixture.ROSTER);
    String header = "部门,类别,身份证号,姓名,起始日期,截止日期\n";
    ImportReport first = g.importCsv("dibao.csv", header + "民政,低保," + Fixture.ZHANG + ",张三,2019-01-01,\n");
    assertThat(first.imported()).isEqualTo(1);
    assertThat(count("select count(*) from person_category where valid_to is null")).isEqualTo(1);

    ImportReport ended = g.importCsv("dibao.csv", header + "民政,低保," + Fixture.ZHANG + ",张三,2019-01-01,2019-06-30\n"
        + "民政,低保," + Fixture.ZHANG + ",张三,2019-01-01,2030-12-31\n"); // listed twice: the first line's dates
    assertThat(ended.imported()).as("dates changed").isEqualTo(1);
    assertThat(count("select count(*) from person_category where valid_to = '2019-06-30'")).isEqualTo(1);
    assertThat(count("select count(*) from audit_log where action = 'roster.import' and after->>'datesChanged' = '1'"))
        .isEqualTo(1);

    ImportReport again = g.importCsv("dibao.csv", header + "民政,低保," + Fixture.ZHANG + ",张三,2019-01-01,2019-06-30\n");
    assertThat(again.imported()).isZero();
    assertThat(again.unchanged()).isEqualTo(1);
  }

  /** 河东区's book with categories of its own declared (a sub-class of 低保 and a group of no national kind). */
  static PolicyBook hedongDeclaring() throws Exception {
    Path file = policies().resolve("hedong-2020.yaml");
    String text = Files.readString(file).replace("\nmedical:\n", "\ncategories:\n"
        + "  - {code: DIBAO_1_2, name: 一、二类低保对象, department: 民政, group: DIBAO, source: 000 三(二)2}\n"
        + "  - {code: RETURNING_WORKER, name: 外出务工返乡人员, department: 人社, source: 000 三(二)2}\n\nmedical:\n");
    return PolicyBook.parse("hedong-2020.yaml", text);
  }

  @Test
  void departmentListsAcceptTheCategoriesTheRegionsBookDeclares() throws Exception {
    g.importCsv("roster.csv", Fixture.ROSTER);
    PolicyBook hedong = hedongDeclaring();
    Regions regions = new Regions(Map.of(
        "371312", new Regions.Entry("371312", "临沂市河东区", hedong, null),
        "431103", new Regions.Entry("431103", "永州市冷水滩区", PolicyBook.load(policies().resolve("lengshuitan-2020.yaml")), null)), g.clock);
    RosterImport importer = new RosterImport(g.db, g.gateway.cipher(), RosterImport.regionInfo(regions));
    String csv = String.join("\n", "department,category,id_number,name,valid_from,valid_to",
        // a code in another case, as a spreadsheet may have it: the same category
        "民政,dibao_1_2," + Fixture.GRANNY + ",王奶奶,,",
        "人社,外出务工返乡人员," + Fixture.ZHANG + ",张三,,",
        "民政,DIBAO_1_2," + Fixture.LIU1 + ",刘一,,",
        "民政,GOLD_MEMBER," + Fixture.LI + ",李四,,") + "\n";
    ImportReport r = importer.importCsv("declared.csv", csv.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(r.imported()).isEqualTo(2);
    assertThat(r.problems()).extracting(RosterProblem::line).containsExactly(4, 5);
    assertThat(r.problems().get(0).reason()).contains("unknown category 'DIBAO_1_2' for 永州市冷水滩区");
    assertThat(r.problems().get(1).reason()).contains("unknown category 'GOLD_MEMBER'");
    assertThat(count("select count(*) from person_category where category in ('DIBAO_1_2', 'RETURNING_WORKER')")).isEqualTo(2);
  }

  static Path policies() {
    Path dir = Path.of("config", "policies");
    return Files.isDirectory(dir) ? dir : Path.of("..").resolve(dir);
  }

  @Test
  void gb18030FilesAreReadToo() throws Exception {
    ImportReport r = g.roster.importCsv("gbk.csv", Fixture.ROSTER.getBytes(Charset.forName("GB18030")));
    assertThat(r.imported()).isEqualTo(7);
    assertThat(r.problems()).isEmpty();
    JsonAssertions.assertHasName(g.lookup(Fixture.ZHANG, "张三"), "张*");
  }

  /** Small helper so the test above reads as a sentence. */
  static final class JsonAssertions {
    static void assertHasName(io.vertx.core.json.JsonObject household, String masked) {
      assertThat(household.encode()).contains(masked);
    }
  }
}
