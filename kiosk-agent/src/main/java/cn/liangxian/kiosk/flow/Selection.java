package cn.liangxian.kiosk.flow;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A household as the gateway answered it (members masked) and what the resident picked from it: one item per
 * member and insurance, a pension item with its tier.
 */
final class Selection {

  private final JsonObject household;
  private final Map<String, JsonObject> picked = new LinkedHashMap<>();

  Selection(JsonObject household) {
    this.household = household;
  }

  JsonObject household() {
    return household;
  }

  String householdRef() {
    return household.getJsonObject("household").getString("ref");
  }

  /** Something of this year is still unpaid. */
  boolean hasPayable() {
    return !payable(household).isEmpty();
  }

  /**
   * Adds or removes one member's insurance; a pension item carries the chosen tier (yuan), the first one when
   * none is given. False, and nothing changes, when the household has no such unpaid item.
   */
  boolean toggle(String memberRef, String insurance, Integer tier) {
    String k = memberRef + "/" + insurance;
    JsonObject item = payable(household).get(k);
    if (item == null) {
      return false;
    }
    if (picked.containsKey(k) && (tier == null || tier.equals(picked.get(k).getInteger("tier")))) {
      picked.remove(k);
    } else {
      JsonObject sel = new JsonObject().put("memberRef", memberRef).put("insurance", insurance)
          .put("year", item.getInteger("year"));
      if ("pension".equals(insurance)) {
        sel.put("tier", tier != null ? tier : firstTier(item));
      }
      picked.put(k, sel);
    }
    return true;
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
      JsonObject item = p.get(e.getKey());
      Integer tier = e.getValue().getInteger("tier");
      long fen = item.getLong("personalFen", 0L);
      if (tier != null && item.getJsonArray("tiers") != null) {
        for (Object o : item.getJsonArray("tiers")) {
          JsonObject t = (JsonObject) o;
          if (tier.equals(t.getInteger("tier"))) {
            fen = t.getLong("personalFen");
          }
        }
      }
      sum += fen;
    }
    return sum;
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

  private static Integer firstTier(JsonObject item) {
    JsonArray t = item.getJsonArray("tiers");
    return t == null || t.isEmpty() ? null : t.getJsonObject(0).getInteger("tier");
  }
}
