package cn.liangxian.gateway.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Two gateways on one database deliver the same outbox: every record reaches the receiver, none twice as new. */
class TwoInstancesHandoffTest {
  @Test
  void twoInstancesDeliverEveryRecordOnceAndWriteEachDailyFileOnce() throws Exception {
    try (AgencyFixture f = new AgencyFixture(); TestGateway second = TestGateway.beside(f.g)) {
      f.agency.delay(50); // answers take a while: both instances are sweeping while batches are in flight
      List<String> orders = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        String[] h = f.household(i % 2 == 0 ? "431103" : "320682");
        orders.add(f.pay(h[0], "赵一", i < 2 ? "wechat" : "alipay").getString("id"));
      }
      Eventually.until("the first households' pushed records accepted", () -> f.count("select count(*) from handoff_record"
          + " where region_code = '431103' and state = 'PENDING'") == 0);
      f.agency.loseAnswers(1); // one batch's answer is lost: sent again, answered duplicate
      String[] h = f.household("431103");
      orders.add(second.payWholeHousehold(h[0], "赵一", "medical", 2020, "wechat").getString("id"));
      second.awaitState(orders.get(4), "PAID");
      // the batch whose answer is lost has been sent once and its failure written (the clock moved on only after it: its
      // retry, 30 s after the failure, is due then)
      Eventually.until("the last household's records sent once", () -> f.count("select count(*) from handoff_record"
          + " where region_code = '431103' and state = 'PENDING' and attempts >= 1 and last_error is not null") == 2);
      f.g.clock.advance(Duration.ofSeconds(31));
      Eventually.until("every pushed record accepted", () -> f.count("select count(*) from handoff_record where state = 'PENDING'"
          + " and region_code = '431103'") == 0);
      f.g.clock.advance(Duration.ofHours(25));
      Eventually.until("every filed record filed", () -> f.count("select count(*) from handoff_record where state = 'PENDING'") == 0);
      assertThat(f.count("select count(*) from handoff_record where state = 'ACCEPTED'")).isEqualTo(6);
      assertThat(f.count("select count(*) from handoff_record where state = 'FILED'")).isEqualTo(4);
      assertThat(f.agency.records()).hasSize(6);
      assertThat(f.agency.takenTwice()).isEmpty();
      assertThat(f.count("select count(*) from handoff_file")).isEqualTo(1);
      // put in place a moment after its records read FILED (moved there once their transaction committed); then one
      Eventually.until("the day's file in place", () -> csvFiles(f.files) > 0);
      assertThat(csvFiles(f.files)).isEqualTo(1);
    }
  }

  private static long csvFiles(java.nio.file.Path folder) throws java.io.IOException {
    try (var files = java.nio.file.Files.list(folder)) {
      return files.filter(p -> p.toString().endsWith(".csv")).count();
    }
  }
}
