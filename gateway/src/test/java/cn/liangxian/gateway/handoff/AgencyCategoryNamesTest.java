package cn.liangxian.gateway.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Eventually;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A category as the departments write it (特困, the short name their lists use) is the book's TEKUN and refunds the
 * difference; one the region's book does not know is refused, nothing recorded for it. It was answered applied, its
 * refund planned and then closed as a difference of nothing: the resident's money was never given back.
 */
class AgencyCategoryNamesTest {
  @Test
  void aCategoryIsTakenByItsChineseNameAndOneTheBookDoesNotKnowIsRefused() throws Exception {
    try (AgencyFixture f = new AgencyFixture()) {
      String[] h = f.household("431103");
      String[] other = f.household("431103");
      JsonObject o = f.pay(h[0], "赵一", "alipay");
      JsonObject paidOther = f.pay(other[0], "赵一", "wechat");
      Map.Entry<Integer, JsonObject> r = f.changes("ls-medical",
          AgencyChangesTest.change("CATEGORY", h[0]).put("category", "特困").put("department", "民政").put("validFrom", "2019-01-01"),
          AgencyChangesTest.change("CATEGORY", other[0]).put("category", "NOPE").put("department", "民政"),
          AgencyChangesTest.change("CATEGORY", other[0]).put("category", other[1]).put("department", "民政"));
      assertThat(r.getKey()).as(r.getValue().encode()).isEqualTo(200);
      assertThat(AgencyChangesTest.answers(r.getValue())).containsExactly("applied", "refused", "refused");
      JsonArray results = r.getValue().getJsonArray("results");
      assertThat(results.getJsonObject(1).getString("reason")).startsWith("unknown category 'NOPE' (known: ").contains("TEKUN");
      assertThat(results.getJsonObject(2).getString("reason")).as("a misplaced ID number is masked")
          .doesNotContain(other[1]).contains(other[1].substring(14));
      assertThat(f.count("select count(*) from agency_change where category in ('特困', 'NOPE', '" + other[1] + "')"))
          .as("the book's code recorded, nothing of those refused").isZero();
      assertThat(f.count("select count(*) from agency_change where category = 'TEKUN'")).isEqualTo(1);
      f.g.clock.advance(Duration.ofMinutes(61));
      Eventually.until("the difference refunded", () -> f.count("select count(*) from refund where order_id = '"
          + o.getString("id") + "' and reason = 'category-arrived'") == 1);
      assertThat(f.count("select amount_fen from refund where order_id = '" + o.getString("id") + "'")).isEqualTo(25000L);
      assertThat(f.count("select count(*) from refund where order_id = '" + paidOther.getString("id") + "'")).isZero();
    }
  }
}
