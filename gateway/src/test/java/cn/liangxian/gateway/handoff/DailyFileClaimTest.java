package cn.liangxian.gateway.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Eventually;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who writes a day's files, and how many: a day another instance is writing is passed by; a day of more records than a
 * file holds ({@code handoff.fileRecords}, 3 here) goes out in several. Each test on a day of its own.
 */
class DailyFileClaimTest {
  static AgencyFixture f;

  @BeforeAll
  static void start() throws Exception {
    f = new AgencyFixture(true, Map.of("GATEWAY_HANDOFF_FILE_RECORDS", "3"));
  }

  @AfterAll
  static void stop() throws Exception {
    f.close();
  }

  /**
   * A day whose file another instance is writing is passed by at once: this instance's rounds go on delivering the other
   * receivers meanwhile, and the day's file is written once, after the other instance let the day go without filing it.
   */
  @Test
  void aDayBeingFiledElsewhereIsPassedByAndFiledOnceItIsFree() throws Exception {
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
      assertThat(f.count("select count(*) from handoff_file where day = '" + day + "'")).as("no file written by this instance")
          .isZero();
      assertThat(f.count("select count(*) from handoff_record where region_code = '320682' and state = 'PENDING'")).isEqualTo(2);
      other.rollback(); // the other instance stopped without filing: the day is free again
    }
    Eventually.until("the day filed here", () -> f.count("select count(*) from handoff_record"
        + " where region_code = '320682' and state = 'PENDING'") == 0);
    assertThat(f.count("select count(*) from handoff_record where region_code = '320682' and state = 'FILED'"
        + " and (created_at at time zone 'Asia/Shanghai')::date = '" + day + "'")).isEqualTo(2);
    assertThat(f.count("select count(*) from handoff_file where day = '" + day + "'")).isEqualTo(1);
    // put in place a moment after its records read FILED (moved there once their transaction committed); then one
    Eventually.until("the day's file in place", () -> csvFiles(f.files, day) > 0);
    assertThat(csvFiles(f.files, day)).isEqualTo(1);
  }

  /**
   * A day of more records than a file holds goes out in several files of that day, each whole (header, control line,
   * signature) and written in a transaction of its own: on a deadline's midnight no instance reads, locks and builds in
   * memory a whole province's day at once, which could take it past its heap, and the next instance after it.
   */
  @Test
  void aDayOfMoreRecordsThanAFileHoldsGoesOutInSeveralWholeFilesEachRecordInOne() throws Exception {
    f.pay(f.household("320682", 3)[0], "赵一", "wechat"); // 如皋: daily files
    f.pay(f.household("320682", 2)[0], "赵一", "alipay");
    f.pay(f.household("320682", 2)[0], "赵一", "wechat");
    LocalDate day = LocalDate.parse(f.sqlText("select distinct (created_at at time zone 'Asia/Shanghai')::date::text"
        + " from handoff_record where region_code = '320682' and state = 'PENDING'"));
    f.g.clock.advance(Duration.ofHours(25));
    Eventually.until("the day filed", () -> f.count("select count(*) from handoff_record where region_code = '320682'"
        + " and state = 'PENDING'") == 0);
    assertThat(f.count("select count(*) from handoff_file where receiver = 'rg-medical' and day = '" + day + "'")).isEqualTo(3);
    Set<String> recordIds = new HashSet<>();
    List<Integer> sizes = new ArrayList<>();
    for (String name : List.of("rg-medical-" + day + ".csv", "rg-medical-" + day + "-2.csv", "rg-medical-" + day + "-3.csv")) {
      Path csv = f.files.resolve(name);
      Eventually.until(name + " in place", () -> Files.exists(csv) && Files.exists(f.files.resolve(name + ".sig")));
      List<String> lines = Files.readAllLines(csv, Charset.forName("GB18030"));
      List<String> rows = lines.subList(2, lines.size() - 1);
      sizes.add(rows.size());
      rows.forEach(row -> assertThat(recordIds.add(row.substring(0, row.indexOf(',')))).as("a record in two files").isTrue());
      assertThat(lines.get(0)).startsWith("#LIANGXIAN-HANDOFF,1,rg-medical," + day + ",");
      assertThat(lines.get(lines.size() - 1)).isEqualTo("#CONTROL," + rows.size() + ","
          + f.count("select sum(personal_fen) from handoff_record where file_name = '" + name + "'"));
      assertThat(f.count("select count(*) from handoff_record where file_name = '" + name + "'")).isEqualTo(rows.size());
      assertThat(HandoffDeliveryTest.openssl(f.keys.resolve("handoff-key.pub.pem"), f.files.resolve(name + ".sig"), csv))
          .contains("Verified OK");
    }
    assertThat(sizes).containsExactly(3, 3, 1);
    assertThat(recordIds).hasSize(7);
  }

  private static long csvFiles(Path folder, LocalDate day) throws java.io.IOException {
    try (var files = Files.list(folder)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.contains(day.toString()) && n.endsWith(".csv")).count();
    }
  }
}
