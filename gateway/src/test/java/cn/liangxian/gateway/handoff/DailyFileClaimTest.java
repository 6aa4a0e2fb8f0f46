package cn.liangxian.gateway.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Eventually;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/**
 * A day whose file another instance is writing is passed by at once: this instance's rounds go on delivering the other
 * receivers meanwhile, and the day's file is written once, after the other instance let the day go without filing it.
 */
class DailyFileClaimTest {
  @Test
  void aDayBeingFiledElsewhereIsPassedByAndFiledOnceItIsFree() throws Exception {
    try (AgencyFixture f = new AgencyFixture()) {
      String[] filed = f.household("320682"); // 如皋: daily files
      f.pay(filed[0], "赵一", "wechat");
      LocalDate day = LocalDate.parse(f.sqlText("select distinct (created_at at time zone 'Asia/Shanghai')::date::text"
          + " from handoff_record where region_code = '320682' and state = 'PENDING'"));
      try (Connection other = f.g.db.connect()) {
        // another instance has taken the day and is still writing its file: its transaction open
        other.setAutoCommit(false);
        try (PreparedStatement take = other.prepareStatement(HandoffStore.TAKE.replace("$1", "?").replace("$2", "?"))) {
          take.setString(1, "file/rg-medical");
          take.setObject(2, day);
          try (ResultSet rs = take.executeQuery()) {
            assertThat(rs.next() && rs.getBoolean(1)).isTrue();
          }
        }
        f.g.clock.advance(Duration.ofHours(25)); // the day is over: its file is due in every round from now on
        // two payments pushed one after the other: the second goes out in a round that began after the first was
        // answered, so a round has passed the day by between them (one that waited on the day would never end)
        for (int i = 0; i < 2; i++) {
          String[] pushed = f.household("431103"); // 冷水滩: pushed over HTTP
          f.pay(pushed[0], "赵一", "alipay");
          Eventually.until("冷水滩's records accepted while the day is taken", () -> f.count("select count(*) from handoff_record"
              + " where region_code = '431103' and state = 'PENDING'") == 0);
        }
        assertThat(f.count("select count(*) from handoff_file")).as("no file written by this instance").isZero();
        assertThat(f.count("select count(*) from handoff_record where region_code = '320682' and state = 'PENDING'")).isEqualTo(2);
        other.rollback(); // the other instance stopped without filing: the day is free again
      }
      Eventually.until("the day filed here", () -> f.count("select count(*) from handoff_record"
          + " where region_code = '320682' and state = 'PENDING'") == 0);
      assertThat(f.count("select count(*) from handoff_record where region_code = '320682' and state = 'FILED'")).isEqualTo(2);
      assertThat(f.count("select count(*) from handoff_file")).isEqualTo(1);
      // put in place a moment after its records read FILED (moved there once their transaction committed); then one
      Eventually.until("the day's file in place", () -> csvFiles(f.files) > 0);
      assertThat(csvFiles(f.files)).isEqualTo(1);
    }
  }

  private static long csvFiles(java.nio.file.Path folder) throws java.io.IOException {
    try (var files = Files.list(folder)) {
      return files.filter(p -> p.toString().endsWith(".csv")).count();
    }
  }
}
