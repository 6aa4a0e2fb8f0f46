package cn.liangxian.gateway.progress;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.operator.Role;
import cn.liangxian.gateway.operator.Scope;
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
 * The progress the operators see is read from counts the database keeps as rows change: after each event that moves
 * them (persons imported, an order's items held and released, paid, an item refunded, the leader's fold) it is the
 * same as a count of every person and reservation, township by township and village by village.
 */
class ProgressCountsTest {
  /** Progress as counted before the counts were kept: every person of the region and their reservations. */
  private static final String RECOUNT = "with v as ("
      + " select v.township, v.name as village, count(p.id) as enrolled, count(r.person_id) filter (where r.paid) as paid"
      + " from village v left join household h on h.village_id = v.id left join person p on p.household_id = h.id"
      + " left join reservation r on r.person_id = p.id and r.insurance = ? and r.year = ?"
      + " where v.region_code = ? group by v.township, v.name)"
      + " select township, village, enrolled, paid from v"
      + " union all select township, null, sum(enrolled), sum(paid) from v group by township order by 1, 2 nulls first";

  TestGateway g;
  String token;

  @BeforeEach
  void start() throws Exception {
    g = Fixture.load(new TestGateway());
    token = g.adminToken();
  }

  @AfterEach
  void stop() throws Exception {
    g.close();
  }

  @Test
  void theKeptCountsAreACountOfEveryPersonAfterEachEvent() throws Exception {
    sameAsRecount("the roster imported");

    int n = 0;
    for (String region : new String[] {"371312", "431103"}) {
      n++;
      String csv = "region_code,township,village,household,id_number,name,local,guardian_id_number,guardian_name,guardian_phone,"
          + "enrolled_elsewhere\n";
      String township = region.equals("371312") ? "汤头街道" : "黄阳司镇";
      String village = region.equals("371312") ? "新村" + n : "黄阳司村";
      for (int i = 0; i < 3; i++) {
        csv += region + "," + township + "," + village + ",PC" + n + "," + TestGateway.id(region, "1970-0" + (i + 1) + "-01", 500 + 2 * i)
            + ",进度" + n + i + ",true,,,,false\n";
      }
      assertThat(g.importCsv("more-" + n + ".csv", csv).imported()).isEqualTo(3);
    }
    sameAsRecount("more persons imported, in a new village and in one already there");

    // an order holds its items, unpaid: nothing is paid yet; cancelled, they are released
    JsonObject zhang = g.lookup(Fixture.ZHANG, "张三");
    var held = g.orderUnpaidMedical(zhang, "wechat", "qr");
    assertThat(held.statusCode()).as(held.bodyAsString()).isEqualTo(201);
    sameAsRecount("an order's items held");
    var cancel = g.post("/api/v1/orders/" + held.bodyAsJsonObject().getString("id") + "/cancel", new JsonObject());
    assertThat(cancel.statusCode()).as(cancel.bodyAsString()).isLessThan(300);
    sameAsRecount("the order cancelled, its items released");

    JsonObject paid = pay(Fixture.ZHANG, "张三", "wechat");
    pay(Fixture.LIU1, "刘一", "alipay");
    assertThat(paidIn("371312")).isPositive();
    sameAsRecount("two households paid");

    fold();
    assertThat(g.count("select count(*) from progress_paid_change")).isZero();
    sameAsRecount("the changes folded");

    // a member's item refunded whole: released, so that it can be paid again, and no longer paid in the counts
    long before = paidIn("371312");
    var refund = g.http.post("/api/v1/operator/refunds").putHeader("Content-Type", "application/json")
        .putHeader("Authorization", "Bearer " + g.operatorToken(Role.FINANCE, Scope.ALL))
        .sendBuffer(io.vertx.core.buffer.Buffer.buffer(new JsonObject().put("orderId", paid.getString("id"))
            .put("memberRef", TestGateway.ref(g.lookup(Fixture.ZHANG, "张三"), Fixture.LI)).put("insurance", "medical")
            .put("reason", "death").encode()))
        .toCompletionStage().toCompletableFuture().get();
    assertThat(refund.statusCode()).as(refund.bodyAsString()).isEqualTo(200);
    assertThat(paidIn("371312")).isEqualTo(before - 1);
    sameAsRecount("an item refunded");
    fold();
    sameAsRecount("folded again");

    // corrections made by hand in the database (the import refuses both): the counts follow the persons
    sql("update person set household_id = (select id from household where roster_ref = 'PC1') where id = (select r.person_id"
        + " from reservation r join person p on p.id = r.person_id where r.paid and p.household_id = (select household_id"
        + " from person where ref = '" + TestGateway.ref(g.lookup(Fixture.LIU1, "刘一"), Fixture.LIU1) + "') limit 1)");
    sameAsRecount("a paid person moved to a household of another village");
    sql("update household set village_id = (select v.id from village v join household h on h.village_id <> v.id"
        + " where h.id = household.id and v.region_code = (select region_code from village where id = household.village_id)"
        + " order by v.id limit 1) where id = (select household_id from person where ref = '"
        + TestGateway.ref(g.lookup(Fixture.ZHANG, "张三"), Fixture.ZHANG) + "')");
    sameAsRecount("a household with paid members moved to another village");
    fold();
    sameAsRecount("folded after the moves");
  }

  @Test
  void aTruncateCountsAgainFromTheRowsLeft() throws Exception {
    pay(Fixture.ZHANG, "张三", "wechat");
    pay(Fixture.LIU1, "刘一", "alipay");
    assertThat(paidIn("371312")).isPositive();

    ddl("truncate reservation");
    assertThat(paidIn("371312")).isZero();
    sameAsRecount("the reservations truncated");

    pay(Fixture.ZHANG, "张三", "wechat");
    assertThat(paidIn("371312")).isPositive();
    sameAsRecount("paid again after the truncate");
    fold();
    sameAsRecount("folded after the truncate");

    ddl("truncate person cascade");
    assertThat(progress("371312", "medical").getLong("enrolled")).isZero();
    sameAsRecount("the roster truncated");
  }

  /**
   * V27 counts what is already there when it is applied: a database with a roster and payments, as one in service
   * before the counts were kept, is brought back to V26 and migrated again.
   */
  @Test
  void theCountsAreMadeFromTheRowsAlreadyThereWhenTheMigrationRuns() throws Exception {
    pay(Fixture.ZHANG, "张三", "wechat");
    pay(Fixture.LIU1, "刘一", "alipay");
    var held = g.orderUnpaidMedical(g.lookup(Fixture.CHEN, "陈一"), "wechat", "qr");
    assertThat(held.statusCode()).as(held.bodyAsString()).isEqualTo(201);
    List<String> before = recountAll();
    assertThat(before).anyMatch(r -> !r.endsWith("|0"));

    ddl("drop function progress_recounted() cascade; drop function household_moved() cascade;"
        + " drop function person_moved_paid() cascade; drop function reservation_paid_changed() cascade;"
        + " drop function person_enrolled_changed() cascade; drop table progress_paid, progress_paid_change;"
        + " alter table village drop column enrolled; delete from flyway_schema_history where version in ('27', '28', '29')");
    // the later migrations stay applied: the counts' ones run again out of their order
    org.flywaydb.core.Flyway.configure().dataSource(g.db.jdbcUrl(), g.db.user(), g.db.password()).locations("classpath:db/migration")
        .outOfOrder(true).load().migrate();

    assertThat(g.count("select count(*) from flyway_schema_history where version = '27' and success")).isEqualTo(1);
    sameAsRecount("migrated with a roster and payments already there");
    assertThat(recountAll()).isEqualTo(before);
  }

  /**
   * The statements, in one transaction, while the gateway runs: its sweep may read the same tables meanwhile and
   * deadlock with them (PostgreSQL then aborts one, and nothing of it stays), so an aborted one is run again.
   */
  private void ddl(String statements) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try (Connection c = g.db.connect(); Statement st = c.createStatement()) {
        st.execute(statements);
        return;
      } catch (java.sql.SQLException e) {
        if (!"40P01".equals(e.getSQLState()) || attempt == 5) {
          throw e;
        }
      }
    }
  }

  /** The recount of every region and insurance of the current year, to compare one moment with another. */
  private List<String> recountAll() throws Exception {
    List<String> all = new ArrayList<>();
    for (String region : new String[] {"371312", "431103", "320682"}) {
      for (String insurance : new String[] {"medical", "pension"}) {
        all.addAll(recount(region, insurance, progressYear()));
      }
    }
    return all;
  }

  private int progressYear() throws Exception {
    return progress("371312", "medical").getInteger("year");
  }

  private void sql(String update) throws Exception {
    try (Connection c = g.db.connect(); Statement st = c.createStatement()) {
      assertThat(st.executeUpdate(update)).as(update).isEqualTo(1);
    }
  }

  /** Every unpaid medical item of the household, ordered and paid. */
  private JsonObject pay(String id, String name, String channel) throws Exception {
    var r = g.orderUnpaidMedical(g.lookup(id, name), channel, "qr");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    JsonObject o = r.bodyAsJsonObject();
    g.gateway.demo().sandbox().pay(o.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get();
    g.awaitState(o.getString("id"), "PAID");
    return o;
  }

  private void fold() throws Exception {
    try (Connection c = g.db.connect(); Statement st = c.createStatement()) {
      st.executeUpdate(Progress.FOLD);
    }
  }

  private long paidIn(String region) throws Exception {
    return progress(region, "medical").getLong("paid");
  }

  private JsonObject progress(String region, String insurance) throws Exception {
    var r = g.get("/api/v1/operator/progress/" + region + "/" + insurance, "Authorization", "Bearer " + token);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  /** Every region's and insurance's progress, as the operators read it, against a count of every row. */
  private void sameAsRecount(String after) throws Exception {
    for (String region : new String[] {"371312", "431103", "320682"}) {
      for (String insurance : new String[] {"medical", "pension"}) {
        var answer = g.get("/api/v1/operator/progress/" + region + "/" + insurance, "Authorization", "Bearer " + token);
        if (answer.statusCode() == 404) {
          continue; // not collected there (320682 collects medical insurance only)
        }
        JsonObject p = answer.bodyAsJsonObject();
        List<String> kept = new ArrayList<>();
        for (Object o : p.getJsonArray("townships")) {
          JsonObject t = (JsonObject) o;
          if (t.getLong("enrolled") > 0 || t.getLong("paid") > 0) {
            kept.add(t.getString("township") + "|" + t.getLong("enrolled") + "|" + t.getLong("paid"));
          }
          for (Object v : t.getJsonArray("villages")) {
            JsonObject village = (JsonObject) v;
            if (village.getLong("enrolled") > 0 || village.getLong("paid") > 0) {
              kept.add(t.getString("township") + "/" + village.getString("village") + "|" + village.getLong("enrolled") + "|"
                  + village.getLong("paid"));
            }
          }
        }
        assertThat(kept).as(after + ": " + region + " " + insurance + " " + p.getInteger("year"))
            .isEqualTo(recount(region, insurance, p.getInteger("year")));
      }
    }
  }

  private List<String> recount(String region, String insurance, int year) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = g.db.connect(); PreparedStatement st = c.prepareStatement(RECOUNT)) {
      st.setString(1, insurance);
      st.setInt(2, year);
      st.setString(3, region);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          if (rs.getLong(3) > 0 || rs.getLong(4) > 0) {
            rows.add(rs.getString(1) + (rs.getString(2) == null ? "" : "/" + rs.getString(2)) + "|" + rs.getLong(3) + "|" + rs.getLong(4));
          }
        }
      }
    }
    return rows;
  }
}
