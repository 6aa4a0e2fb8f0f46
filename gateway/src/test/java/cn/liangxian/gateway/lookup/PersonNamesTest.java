package cn.liangxian.gateway.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.roster.ImportReport;
import cn.liangxian.gateway.roster.RosterProblem;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * A name is kept as the roster wrote it and found however its blanks, its case and the middle dot of a name such as
 * 阿卜杜热合曼·买买提 were written: by the roster (a spreadsheet's •, a full-width ．), by a resident typing it (a space
 * between the characters), by the ID card (·).
 */
class PersonNamesTest {
  static final String HEADER = "region_code,township,village,household,id_number,name,local,guardian_id_number,guardian_name,"
      + "guardian_phone,enrolled_elsewhere\n";

  @Test
  void aNameIsFoundWrittenEitherWayAndKeptAsTheRosterWroteIt() throws Exception {
    try (TestGateway g = new TestGateway()) {
      try (Connection c = g.db.connect(); PreparedStatement ps = c.prepareStatement("select person_name_key(?)")) {
        for (String written : new String[] {"阿卜杜热合曼·买买提", "阿卜杜热合曼•买买提", "阿卜杜热合曼・买买提", "阿卜杜热合曼．买买提",
            "阿卜杜热合曼.买买提", "阿卜杜热合曼 · 买买提", "阿卜杜热合曼\u3000·\u3000买买提", " 阿卜杜热合曼･买买提\t"}) {
          assertThat(key(ps, written)).as(written).isEqualTo("阿卜杜热合曼·买买提");
        }
        assertThat(key(ps, "张 三")).isEqualTo("张三");
        assertThat(key(ps, "John A. Smith")).isEqualTo(key(ps, "JOHN A SMITH".replace(" A ", " A. ")));
      }
      String id = TestGateway.id("371312", "1970-05-05", 801);
      // the roster's spreadsheet wrote the dot as a bullet
      assertThat(g.importCsv("dots.csv", HEADER + "371312,汤头街道,汤头村,D1," + id + ",阿卜杜热合曼•买买提,true,,,,false\n")
          .imported()).isOne();
      for (String typed : new String[] {"阿卜杜热合曼·买买提", "阿卜杜热合曼•买买提", "阿卜杜热合曼 · 买买提"}) {
        assertThat(g.lookup(id, typed).getJsonArray("members")).as(typed).hasSize(1);
      }
      String latin = TestGateway.id("371312", "1971-06-06", 802);
      assertThat(g.importCsv("latin.csv", HEADER + "371312,汤头街道,汤头村,D2," + latin + ",John A. Smith,true,,,,false\n")
          .imported()).isOne();
      assertThat(g.lookup(latin, "JOHN A. SMITH").getJsonArray("members")).hasSize(1);
      // kept as written: what receipts, postings and the agencies' records carry
      try (Connection c = g.db.connect(); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("select count(*) from person where name in ('阿卜杜热合曼•买买提', 'John A. Smith')")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(2);
      }
    }
  }

  /**
   * A name longer than an ID card holds (fifteen characters) is found by the fifteen the card gives and the kiosk's
   * keyboard takes, and by the whole name; a shorter part of it, or fifteen characters it does not begin with, find
   * nothing. A department's list that cut it the same way is taken too.
   */
  @Test
  void aNameLongerThanTheCardHoldsIsFoundByItsFirstFifteenCharacters() throws Exception {
    try (TestGateway g = new TestGateway()) {
      String whole = "阿卜杜热合曼·买买提依明·艾合买提江"; // 18 characters
      String onTheCard = whole.substring(0, 15);
      String id = TestGateway.id("371312", "1968-03-03", 803);
      assertThat(g.importCsv("long.csv", HEADER + "371312,汤头街道,汤头村,D3," + id + "," + whole + ",true,,,,false\n")
          .imported()).isOne();
      // before any answer is kept, each lookup reads the household by the name (BY_PERSON); once one is kept, it asks
      // only whether the name still matches (STAMP_BY_PERSON): both are tried, each with names that must find nothing
      String[] notFound = {whole.substring(0, 14), "阿卜杜热合曼·买买提依明·艾合买提江江", "阿卜杜热合曼·买买提依明·艾合买买"};
      for (String given : notFound) {
        assertThat(lookupStatus(g, id, given)).as(given).isEqualTo(404);
      }
      for (String given : new String[] {onTheCard, whole, "阿卜杜热合曼 · 买买提依明·艾合买提", whole.substring(0, 16)}) {
        assertThat(g.lookup(id, given).getJsonArray("members")).as(given).hasSize(1);
      }
      for (String given : notFound) {
        assertThat(lookupStatus(g, id, given)).as(given + ", an answer kept").isEqualTo(404);
      }
      ImportReport r = g.importCsv("departments.csv", "部门,类别,身份证号,姓名,起始日期,截止日期\n"
          + "民政,DIBAO," + id + "," + onTheCard + ",2020-01-01,\n"
          + "残联,DISABLED," + id + "," + whole.substring(0, 14) + ",2020-01-01,\n");
      assertThat(r.imported()).isOne();
      assertThat(r.problems()).extracting(RosterProblem::line).containsExactly(3);
      assertThat(r.problems().get(0).reason()).contains("name does not match");
    }
  }

  private static int lookupStatus(TestGateway g, String id, String name) throws Exception {
    return g.post("/api/v1/lookup", new JsonObject().put("idNumber", id).put("name", name),
        "Authorization", g.bearer("lookup-" + id)).statusCode();
  }

  private static String key(PreparedStatement ps, String name) throws Exception {
    ps.setString(1, name);
    try (ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getString(1);
    }
  }
}
