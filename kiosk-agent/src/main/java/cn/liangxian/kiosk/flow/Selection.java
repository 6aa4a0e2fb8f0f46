package cn.liangxian.kiosk.flow;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A household as the gateway answered it (members masked) and what the resident picked from it: one item per
 * member and insurance, a pension item with its tier. Where the book requires the whole household
 * ({@code wholeFamilyRequired}), that insurance is picked for every unpaid member from the start and is picked
 * or dropped for all of them at once, so the kiosk never offers an order the gateway would refuse.
 */
final class Selection {

  private final JsonObject household;
  private final Map<String, JsonObject> picked = new LinkedHashMap<>();
  private final Set<String> wholeFamily = new TreeSet<>();

  Selection(JsonObject household) {
    this.household = household;
    for (Object o : household.getJsonArray("wholeFamilyRequired", new JsonArray())) {
      if (o instanceof JsonObject w && w.getString("insurance") != null) {
        wholeFamily.add(w.getString("insurance"));
      }
    }
    payable(household).forEach((k, item) -> {
      if (wholeFamily.contains(item.getString("insurance"))) {
        pick(k, item, null);
      }
    });
  }

  JsonObject household() {
    return household;
  }

  String householdRef() {
    return household.getJsonObject("household").getString("ref");
  }

  Set<String> wholeFamily() {
    return wholeFamily;
  }

  /** Something of this year is still unpaid. */
  boolean hasPayable() {
    return !payable(household).isEmpty();
  }

  /**
   * Adds or removes one member's insurance (for every member where the whole household must pay). False, and
   * nothing changes, when the household has no such unpaid item.
   */
  boolean toggle(String memberRef, String insurance) {
    String k = memberRef + "/" + insurance;
    Map<String, JsonObject> p = payable(household);
    if (!p.containsKey(k)) {
      return false;
    }
    boolean on = !picked.containsKey(k);
    p.forEach((key, item) -> {
      if (key.equals(k) || wholeFamily.contains(insurance) && insurance.equals(item.getString("insurance"))) {
        if (on) {
          pick(key, item, null);
        } else {
          picked.remove(key);
        }
      }
    });
    return true;
  }

  /** Picks a pension item at this tier (yuan). False when the item or the tier does not exist. */
  boolean tier(String memberRef, String insurance, int tier) {
    String k = memberRef + "/" + insurance;
    JsonObject item = payable(household).get(k);
    if (item == null || tierOf(item, tier) == null) {
      return false;
    }
    if (!picked.containsKey(k)) {
      toggle(memberRef, insurance);
    }
    picked.get(k).put("tier", tier);
    return true;
  }

  /** 全家缴费: every unpaid item, each pension item at the tier already chosen or its default. */
  void pickAll() {
    payable(household).forEach((k, item) -> {
      if (!picked.containsKey(k)) {
        pick(k, item, null);
      }
    });
  }

  boolean isEmpty() {
    return picked.isEmpty();
  }

  /** The picked items as the order request lists them. */
  JsonArray items() {
    JsonArray items = new JsonArray();
    picked.values().forEach(items::add);
    return items;
  }

  /** What the picked items cost the resident, in fen. */
  long fen() {
    long sum = 0;
    Map<String, JsonObject> p = payable(household);
    for (Map.Entry<String, JsonObject> e : picked.entrySet()) {
      sum += personalFen(p.get(e.getKey()), e.getValue().getInteger("tier"));
    }
    return sum;
  }

  /** What 全家缴费 would cost: every unpaid item, at the chosen tier or the default one. */
  long allFen() {
    long sum = 0;
    for (Map.Entry<String, JsonObject> e : payable(household).entrySet()) {
      JsonObject sel = picked.get(e.getKey());
      sum += personalFen(e.getValue(), sel != null ? sel.getInteger("tier") : defaultTier(e.getValue()));
    }
    return sum;
  }

  private void pick(String key, JsonObject item, Integer tier) {
    String[] mi = key.split("/", 2);
    JsonObject sel = new JsonObject().put("memberRef", mi[0]).put("insurance", mi[1]).put("year", item.getInteger("year"));
    Integer t = tier != null ? tier : defaultTier(item);
    if (t != null) {
      sel.put("tier", t);
    }
    picked.put(key, sel);
  }

  private static long personalFen(JsonObject item, Integer tier) {
    JsonObject t = tier == null ? null : tierOf(item, tier);
    return t != null ? t.getLong("personalFen", 0L) : item.getLong("personalFen", 0L);
  }

  private static JsonObject tierOf(JsonObject item, int tier) {
    JsonArray tiers = item.getJsonArray("tiers");
    if (tiers != null) {
      for (Object o : tiers) {
        if (o instanceof JsonObject t && Integer.valueOf(tier).equals(t.getInteger("tier"))) {
          return t;
        }
      }
    }
    return null;
  }

  /** Last year's tier where the gateway says it ({@code lastTier}) and still offers it, else the lowest. */
  static Integer defaultTier(JsonObject item) {
    JsonArray tiers = item.getJsonArray("tiers");
    if (tiers == null || tiers.isEmpty()) {
      return null;
    }
    Integer last = item.getInteger("lastTier");
    if (last != null && tierOf(item, last) != null) {
      return last;
    }
    Integer min = null;
    for (Object o : tiers) {
      Integer t = ((JsonObject) o).getInteger("tier");
      min = min == null || t < min ? t : min;
    }
    return min;
  }

  /** member/insurance → the item, for every unpaid item of the household. */
  static Map<String, JsonObject> payable(JsonObject household) {
    Map<String, JsonObject> m = new LinkedHashMap<>();
    if (household == null) {
      return m;
    }
    JsonArray members = household.getJsonArray("members", new JsonArray());
    for (int i = 0; i < members.size(); i++) {
      JsonObject mem = members.getJsonObject(i);
      JsonArray ins = mem.getJsonArray("insurances", new JsonArray());
      for (int j = 0; j < ins.size(); j++) {
        JsonObject it = ins.getJsonObject(j);
        if ("unpaid".equals(it.getString("status"))) {
          m.put(mem.getString("ref") + "/" + it.getString("insurance"), it);
        }
      }
    }
    return m;
  }
}
