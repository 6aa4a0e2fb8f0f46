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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The masked number kept in clear, with the birth date and the village's region beside it, must not spell out the whole
 * number: its tail is kept sealed, on import and, for rows an earlier version wrote, by the sweep.
 */
class ClearIdTailsTest {
  static final List<String> FIXTURE = List.of(Fixture.ZHANG, Fixture.LI, Fixture.GRANNY, Fixture.CHILD, Fixture.LIU1,
      Fixture.LIU2, Fixture.CHEN);
  /** Sweeps an hour apart: what a test sees is the import's doing, or a batch the test runs itself. */
  static final Map<String, String> NO_SWEEP = Map.of("GATEWAY_SWEEP_MILLIS", "3600000");

  @Test
  void anImportedRowKeepsNoTailInClearAndTheLookupStillShowsIt() throws Exception {
    try (TestGateway g = Fixture.load(new TestGateway(NO_SWEEP))) {
      importedRowsAreSealed(g);
    }
  }

  private static void importedRowsAreSealed(TestGateway g) throws Exception {
    try (Connection c = g.db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("select id_masked, id_tail, to_char(birth_date, 'YYYYMMDD') from person")) {
      int n = 0;
      while (rs.next()) {
        n++;
        assertThat(rs.getString(1)).matches("[0-9]{4}\\*{14}");
        assertThat(rs.getBytes(2)).hasSize(17); // the key's tag, the nonce, the four characters
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
   * tail), are sealed by the sweep and still show as they did: from the mask, without decrypting (one whose number does
   * not even open with the deployment's key too).
   */
  @Test
  void rowsAnEarlierVersionWroteAreSealedByTheSweep() throws Exception {
    try (TestGateway g = Fixture.load(new TestGateway())) {
      earlierRowsAreSealed(g);
    }
  }

  /** The sweep's update and an import's would lock persons and households in opposite orders: it waits for none. */
  @Test
  void theSweepLeavesTheTailsToItsNextRoundWhileARosterIsImported() throws Exception {
    try (TestGateway g = Fixture.load(new TestGateway(NO_SWEEP))) {
      try (Connection c = g.db.connect(); Statement st = c.createStatement()) {
        st.executeUpdate("update person set id_masked = '3713**********1231', id_tail = null where id = (select min(id) from person)");
      }
      io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
      try (Connection importing = g.db.connect()) {
        io.vertx.sqlclient.Pool pool = io.vertx.pgclient.PgBuilder.pool().connectingTo(g.db.connectOptions(1)).using(vertx).build();
        ClearIdTails tails = new ClearIdTails(vertx, pool, g.gateway.cipher());
        importing.setAutoCommit(false);
        try (Statement st = importing.createStatement()) {
          st.execute(BulkLoad.IMPORTING);
        }
        assertThat(batch(tails)).isEqualTo(-1);
        assertThat(g.count("select count(*) from person where id_tail is null")).isOne();
        importing.commit();
        assertThat(batch(tails)).isOne();
        assertThat(g.count("select count(*) from person where id_tail is null")).isZero();
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  private static int batch(ClearIdTails tails) throws Exception {
    return tails.sealBatch().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static void earlierRowsAreSealed(TestGateway g) throws Exception {
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
    assertThat(g.count("select count(*) from person where length(id_tail) = 17")).isEqualTo(FIXTURE.size() + many.size());

    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    assertThat(h.getJsonArray("members").stream().map(m -> ((JsonObject) m).getString("idNumber")))
        .containsExactlyInAnyOrder(TestGateway.masked(Fixture.GRANNY), TestGateway.masked(Fixture.ZHANG),
            TestGateway.masked(Fixture.LI), TestGateway.masked(Fixture.CHILD));
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
