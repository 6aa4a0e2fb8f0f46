package cn.liangxian.gateway.order;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Where an order's refunds leave the resident's money, in the words every screen shows after 款项. */
class MoneyBackTest {
  static JsonObject refund(String state, boolean settledElsewhere) {
    return new JsonObject().put("state", state).put("settledElsewhere", settledElsewhere);
  }

  @Test
  void theMoneyIsBackGoingBackOrToBeGivenBackByTheStaff() {
    assertThat(OrderView.moneyBack("FAILED", new JsonArray().add(refund("SUCCESS", false)))).isEqualTo("已原路退回");
    assertThat(OrderView.moneyBack("FAILED", new JsonArray().add(refund("REQUESTED", false)))).isEqualTo("将原路退回");
    assertThat(OrderView.moneyBack("EXPIRED", new JsonArray().add(refund("PENDING", false)).add(refund("SUCCESS", false))))
        .isEqualTo("将原路退回");
    // refused by the channel: not "the way it came", the staff give it back; once they have, it is back another way
    assertThat(OrderView.moneyBack("FAILED", new JsonArray().add(refund("FAILED", false)))).isEqualTo("将由工作人员退还");
    assertThat(OrderView.moneyBack("FAILED", new JsonArray().add(refund("FAILED", false)).add(refund("SUCCESS", false))))
        .isEqualTo("将由工作人员退还");
    assertThat(OrderView.moneyBack("FAILED", new JsonArray().add(refund("FAILED", true)))).isEqualTo("已退回");
    assertThat(OrderView.moneyBack("REFUNDED", new JsonArray().add(refund("SUCCESS", false)))).isEqualTo("已原路退回");
  }
}
