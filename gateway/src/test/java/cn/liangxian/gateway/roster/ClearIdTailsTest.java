package cn.liangxian.gateway.roster;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.privacy.Masking;
import cn.liangxian.gateway.privacy.PersonalDataCipher;
import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The masked number kept in clear, with the birth date and the village's region beside it, must not spell out the whole
 * number: its tail is kept sealed, on import and, for rows an earlier version wrote, by the sweep.
 */
class ClearIdTailsTest {
  static final List<String> FIXTURE = List.of(Fixture.ZHANG, Fixture.LI, Fixture.GRANNY, Fixture.CHILD, Fixture.LIU1,
      Fixture.LIU2, Fixture.CHEN);
  TestGateway g;

  @BeforeEach
  void start() throws Exception {
    g = Fixture.load(new TestGateway());
  }

  @AfterEach
  void stop() throws Exception {
    g.close();
  }

  @Test
  void anImportedRowKeepsNoTailInClearAndTheLookupStillShowsIt() throws Exception {
    try (Connection c = g.db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("select id_masked, id_tail, to_char(birth_date, 'YYYYMMDD') from person")) {
      int n = 0;
      while (rs.next()) {
        n++;
        assertThat(rs.getString(1)).matches("[0-9]{4}\\*{14}");
        assertThat(rs.getBytes(2)).hasSize(16);
        // what is in clear: the region and the birth date; the tail is not beside them
        for (String id : FIXTURE) {
          if (id.substring(6, 14).equals(rs.getString(3))) {
            assertThat(rs.getString(1) + new String(rs.getBytes(2), java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain(id.substring(14));
          }
        }
      }
      assertThat(n).isEqualTo(FIXTURE.size());
    }
    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    assertThat(h.getJsonArray("members").stream().map(m -> ((JsonObject) m).getString("idNumber")))
        .containsExactlyInAnyOrder(TestGateway.masked(Fixture.GRANNY), TestGateway.masked(Fixture.ZHANG),
            TestGateway.masked(Fixture.LI), TestGateway.masked(Fixture.CHILD));
  }

  /**
   * More rows than a batch, written as an earlier version wrote them (the mask in clear to its last character, no sealed
   * tail), are sealed by the sweep and still show as they did; one whose number does not open with the deployment's key
   * is kept starred, and the sweep goes on past it.
   */
  @Test
  void rowsAnEarlierVersionWroteAreSealedByTheSweep() throws Exception {
    List<String> many = new ArrayList<>();
    StringBuilder csv = new StringBuilder("region_code,township,village,household,id_number,name,local,guardian_id_number,"
        + "guardian_name,guardian_phone,enrolled_elsewhere\n");
    for (int i = 0; i < ClearIdTails.BATCH + 20; i++) {
      String id = TestGateway.id("371312", java.time.LocalDate.parse("1960-01-01").plusDays(i / 900).toString(), 1 + i % 900);
      many.add(id);
      csv.append("371312,汤头街道,汤头村,M").append(i / 4).append(',').append(id).append(",某人,true,,,,false\n");
    }
    assertThat(g.importCsv("many.csv", csv.toString()).imported()).isEqualTo(many.size());
    PersonalDataCipher cipher = g.gateway.cipher();
    PersonalDataCipher other = new PersonalDataCipher(new byte[16], new byte[32]);
    try (Connection c = g.db.connect()) {
      c.setAutoCommit(false);
      try (PreparedStatement st = c.prepareStatement("update person set id_masked = ?, id_tail = null where id_index = ?")) {
        for (String id : concat(FIXTURE, many)) {
          st.setString(1, Masking.idNumber(id));
          st.setBytes(2, cipher.index(id));
          st.addBatch();
        }
        st.executeBatch();
      }
      try (PreparedStatement st = c.prepareStatement("update person set id_enc = ? where id_index = ?")) {
        st.setBytes(1, other.encrypt(Fixture.LI));
        st.setBytes(2, cipher.index(Fixture.LI));
        assertThat(st.executeUpdate()).isOne();
      }
      c.commit();
    }
    Eventually.until("the sweep to seal every tail kept in clear", () -> g.count("select count(*) from person where id_tail is null") == 0);
    assertThat(g.count("select count(*) from person where id_masked !~ '^[0-9]{4}[*]{14}$'")).isZero();
    assertThat(g.count("select count(*) from person where length(id_tail) = 16")).isEqualTo(FIXTURE.size() + many.size() - 1);

    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    assertThat(h.getJsonArray("members").stream().map(m -> ((JsonObject) m).getString("idNumber")))
        .containsExactlyInAnyOrder(TestGateway.masked(Fixture.GRANNY), TestGateway.masked(Fixture.ZHANG),
            "3713**************", TestGateway.masked(Fixture.CHILD));
    String last = many.get(many.size() - 1);
    assertThat(g.lookup(last, "某人").getJsonArray("members").stream().map(m -> ((JsonObject) m).getString("idNumber")))
        .contains(TestGateway.masked(last));
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
