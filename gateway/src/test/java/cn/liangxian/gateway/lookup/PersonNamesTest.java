package cn.liangxian.gateway.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.TestGateway;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * A name is found however its blanks and the middle dot of a name such as 阿卜杜热合曼·买买提 were written: by the roster
 * (a spreadsheet's •, a full-width ．), by a resident typing it (a space between the characters), by the ID card (·).
 */
class PersonNamesTest {
  static final String HEADER = "region_code,township,village,household,id_number,name,local,guardian_id_number,guardian_name,"
      + "guardian_phone,enrolled_elsewhere\n";

  @Test
  void blanksAndTheMiddleDotsLookAlikesAreOneName() {
    assertThat(PersonNames.normal("阿卜杜热合曼·买买提")).isEqualTo("阿卜杜热合曼·买买提");
    for (String written : new String[] {"阿卜杜热合曼•买买提", "阿卜杜热合曼・买买提", "阿卜杜热合曼．买买提", "阿卜杜热合曼.买买提",
        "阿卜杜热合曼 · 买买提", "阿卜杜热合曼\u3000·\u3000买买提", " 阿卜杜热合曼･买买提\t"}) {
      assertThat(PersonNames.normal(written)).as(written).isEqualTo("阿卜杜热合曼·买买提");
    }
    assertThat(PersonNames.normal("张 三")).isEqualTo("张三");
    assertThat(PersonNames.normal("张三")).isEqualTo("张三");
    assertThat(PersonNames.normal(null)).isNull();
  }

  @Test
  void aRosterNameIsFoundWrittenEitherWayAndNamesImportedBeforeAreWrittenSoByTheMigration() throws Exception {
    try (TestGateway g = new TestGateway()) {
      String id = TestGateway.id("371312", "1970-05-05", 801);
      // the roster's spreadsheet wrote the dot as a bullet
      assertThat(g.importCsv("dots.csv", HEADER + "371312,汤头街道,汤头村,D1," + id + ",阿卜杜热合曼•买买提,true,,,,false\n")
          .imported()).isOne();
      for (String typed : new String[] {"阿卜杜热合曼·买买提", "阿卜杜热合曼•买买提", "阿卜杜热合曼 · 买买提"}) {
        assertThat(g.lookup(id, typed).getJsonArray("members")).as(typed).hasSize(1);
      }
      // a name kept before names were compared so: the migration writes it as it is kept now
      String older = TestGateway.id("371312", "1971-06-06", 802);
      assertThat(g.importCsv("older.csv", HEADER + "371312,汤头街道,汤头村,D2," + older + ",买买提艾力,true,,,,false\n")
          .imported()).isOne();
      try (Connection c = g.db.connect(); Statement st = c.createStatement()) {
        st.execute("update person set name = '买买提 艾力．阿不都' where name = '买买提艾力'");
        st.execute(Files.readString(TestGateway.repo().resolve(
            "gateway/src/main/resources/db/migration/V52__person_names_compared.sql")));
        try (ResultSet rs = st.executeQuery("select count(*) from person where name = '买买提艾力·阿不都'")) {
          rs.next();
          assertThat(rs.getLong(1)).isOne();
        }
      }
      assertThat(g.lookup(older, "买买提艾力·阿不都").getJsonArray("members")).hasSize(1);
    }
  }
}
