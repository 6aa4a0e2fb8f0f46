package cn.liangxian.kiosk.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** A region collecting two benefit years at once: the kiosk offers each year's item and puts one year of each in an order. */
class SelectionTest {
  static final String A = "11111111-1111-1111-1111-111111111111";
  static final String B = "22222222-2222-2222-2222-222222222222";

  static JsonObject item(String insurance, int year, long fen) {
    return new JsonObject().put("insurance", insurance).put("year", year).put("status", "unpaid").put("personalFen", fen);
  }

  static JsonObject household() {
    JsonArray members = new JsonArray();
    for (String ref : new String[] {A, B}) {
      members.add(new JsonObject().put("ref", ref).put("insurances", new JsonArray()
          .add(item("medical", 2020, 25000)).add(item("medical", 2021, 28000))));
    }
    return new JsonObject().put("household", new JsonObject().put("ref", "h")).put("members", members)
        .put("wholeFamilyRequired", new JsonArray().add(new JsonObject().put("insurance", "medical").put("year", 2020))
            .add(new JsonObject().put("insurance", "medical").put("year", 2021)));
  }

  @Test
  void theWholeFamilyIsPickedForTheOldestOpenYearAndPickingTheOtherYearSwitchesEveryone() {
    Selection s = new Selection(household());
    assertThat(s.items().stream().map(o -> ((JsonObject) o).getInteger("year"))).containsExactly(2020, 2020);
    assertThat(s.wholeFamily()).containsExactly("medical");
    assertThat(s.fen()).isEqualTo(50000);
    assertThat(s.allFen()).as("one year of each member's insurance").isEqualTo(50000);

    assertThat(s.toggle(A, "medical", 2021)).isTrue();
    assertThat(s.items().stream().map(o -> ((JsonObject) o).getInteger("year"))).containsExactly(2021, 2021);
    assertThat(s.fen()).isEqualTo(56000);

    assertThat(s.toggle(A, "medical", 2021)).isTrue();
    assertThat(s.isEmpty()).isTrue();
    assertThat(s.toggle(A, "medical", 2022)).as("a year not offered").isFalse();
    assertThat(s.wholeFamily()).as("nothing picked: no whole family said to be").isEmpty();
  }

  /** Every medical item paid, a pension picked alone: the screen does not say the whole family's medical was picked. */
  @Test
  void aPensionPickedAloneIsNoWholeFamilysMedical() {
    JsonObject h = household();
    for (Object m : h.getJsonArray("members")) {
      for (Object i : ((JsonObject) m).getJsonArray("insurances")) {
        ((JsonObject) i).put("status", "paid");
      }
      ((JsonObject) m).getJsonArray("insurances").add(item("pension", 2020, 30000));
    }
    Selection s = new Selection(h);
    assertThat(s.isEmpty()).isTrue();
    assertThat(s.toggle(A, "pension", 2020)).isTrue();
    assertThat(s.wholeFamily()).isEmpty();
  }

  @Test
  void aHigherTierThanTheOneTheGovernmentPaysIsTheResidentsChoiceAndNeverPickedForThem() {
    JsonArray tiers = new JsonArray()
        .add(new JsonObject().put("tier", 100).put("personalFen", 0))
        .add(new JsonObject().put("tier", 300).put("personalFen", 20000));
    JsonObject pension = new JsonObject().put("insurance", "pension").put("year", 2020).put("status", "paid-by-government")
        .put("personalFen", 0).put("tiers", tiers);
    JsonObject h = new JsonObject().put("household", new JsonObject().put("ref", "h")).put("members", new JsonArray()
        .add(new JsonObject().put("ref", A).put("insurances", new JsonArray().add(item("medical", 2020, 25000)).add(pension))));
    Selection s = new Selection(h);
    s.pickAll();
    assertThat(s.items().stream().map(o -> ((JsonObject) o).getString("insurance"))).as("nothing of it is owed").containsExactly("medical");
    assertThat(s.allFen()).isEqualTo(25000);
    assertThat(s.tier(A, "pension", 300)).isTrue();
    assertThat(s.fen()).isEqualTo(45000);
    assertThat(s.items().getJsonObject(1).getInteger("tier")).isEqualTo(300);
    // 全家缴费 keeps the higher tier chosen: its button says what the next screen will ask
    assertThat(s.allFen()).isEqualTo(45000);
    s.pickAll();
    assertThat(s.fen()).isEqualTo(s.allFen());
    assertThat(s.tier(A, "pension", 100)).as("back to what the government pays").isTrue();
    assertThat(s.fen()).isEqualTo(25000);
    assertThat(s.tier(A, "pension", 500)).as("a tier not offered").isFalse();
  }
}
