package cn.liangxian.gateway.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Eventually;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The agencies' news usually comes after the collection window has closed: the difference a late category makes is
 * assessed as at the payment (the book of the year paid for, on the day it was paid), and no refund waits behind another.
 */
class AgencyRefundsAfterTheWindowTest {

  static JsonObject change(String kind, String id) {
    return new JsonObject().put("changeId", UUID.randomUUID().toString()).put("kind", kind).put("idNumber", id)
        .put("insurance", "medical").put("year", 2020);
  }

  @Test
  void aLateCategoryAndADeathAfterTheWindowAreBothRefunded() throws Exception {
    try (AgencyFixture f = new AgencyFixture(false)) {
      String[] a = f.household("431103");
      String[] b = f.household("431103");
      JsonObject oa = f.pay(a[0], "赵一", "wechat");
      JsonObject ob = f.pay(b[0], "赵一", "wechat");
      String[] c = f.household("431103");
      JsonObject oc = f.pay(c[0], "赵一", "wechat");
      assertThat(f.changes("ls-medical", change("CATEGORY", a[0]).put("category", "POVERTY").put("department", "乡村振兴")
          .put("validFrom", "2019-01-01")).getKey()).isEqualTo(200);
      assertThat(f.changes("ls-medical", change("DIED", b[0])).getKey()).isEqualTo(200);
      // a month on, the window (to 2019-12-31) closed: assessing "today" would find no rule for a payment now
      f.g.clock.advance(Duration.between(f.g.clock.instant(), Instant.parse("2020-01-15T02:00:00Z")));
      Eventually.until("the death refunded", () -> f.count("select count(*) from refund where order_id = '" + ob.getString("id")
          + "' and reason = 'death'") == 1);
      Eventually.until("the late category's difference refunded", () -> f.count("select count(*) from refund where order_id = '"
          + oa.getString("id") + "' and reason = 'category-arrived'") == 1);
      // 建档立卡贫困人口 (not 低保) pay half of 250 yuan in 冷水滩 (003)
      assertThat(f.count("select amount_fen from refund where order_id = '" + oa.getString("id") + "'")).isEqualTo(12500L);
      assertThat(f.count("select count(*) from agency_refund where state = 'WAITING'")).isZero();

      // then the agency reports the same person's death: the rest of the item is given back, not nothing
      assertThat(f.changes("ls-medical", change("DIED", a[0])).getKey()).isEqualTo(200);
      f.g.clock.advance(Duration.ofMinutes(61));
      Eventually.until("the rest refunded on the death", () -> f.count("select count(*) from refund where order_id = '"
          + oa.getString("id") + "' and reason = 'death'") == 1);
      assertThat(f.count("select amount_fen from refund where order_id = '" + oa.getString("id") + "' and reason = 'death'"))
          .isEqualTo(12500L);
      assertThat(f.count("select count(*) from handoff_record where order_id = '" + oa.getString("id") + "' and kind = 'REVERSAL'"))
          .as("the agency hears of both").isEqualTo(2);

      // a year later, a death reported without a year does not undo the cover of 2020, which was used
      f.g.clock.advance(Duration.between(f.g.clock.instant(), Instant.parse("2021-01-10T02:00:00Z")));
      JsonObject yearless = change("DIED", c[0]);
      yearless.remove("year");
      assertThat(f.changes("ls-medical", yearless).getValue().getJsonArray("results").getJsonObject(0).getString("answer"))
          .isEqualTo("applied");
      assertThat(f.count("select count(*) from agency_refund where order_id = '" + oc.getString("id") + "'")).isZero();
    }
  }
}
