package cn.liangxian.kiosk.flow;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * A household as the gateway answered it (members masked) and what the resident picked from it: one item per
 * member and insurance, of one benefit year (a region may collect two years at once: next year's collection
 * opens while this year's late payments are still taken; an order pays one year of each), a pension item with
 * its tier. Where the book requires the whole household ({@code wholeFamilyRequired}, per insurance and year),
 * that insurance is picked for every unpaid member from the start and is picked or dropped for all of them at
 * once, so the kiosk never offers an order the gateway would refuse.
 */
final class Selection {

  private final JsonObject household;
  /** member/insurance/year → the order item. */
  private final Map<String, JsonObject> picked = new LinkedHashMap<>();
  /** insurance/year (insurance/* where the gateway names no year) the whole household pays together. */
  private final Set<String> wholeFamily = new TreeSet<>();

  Selection(JsonObject household) {
    if (!isHousehold(household)) {
      // an empty or cut answer must never read as a household with nothing to pay (the flow says 系统繁忙)
      throw new IllegalArgumentException("the lookup answer is not a household with its members and their insurances");
    }
    this.household = household;
    for (Object o : household.getJsonArray("wholeFamilyRequired", new JsonArray())) {
      if (o instanceof JsonObject w && w.getString("insurance") != null) {
        wholeFamily.add(w.getString("insurance") + "/" + (w.getValue("year") == null ? "*" : w.getValue("year")));
      }
    }
    // the oldest open year first: its late payments close before next year's collection does
    payable(household).forEach((k, item) -> {
      if (whole(item) && !pickedOtherYear(k)) {
        pick(k, item, null);
      }
    });
  }

  JsonObject household() {
    return household;
  }

  /** The household's reference, and at least one member, each with a reference and a list of insurance items. */
  static boolean isHousehold(JsonObject answer) {
    return answer.getValue("household") instanceof JsonObject h && h.getValue("ref") instanceof String
        && answer.getValue("members") instanceof JsonArray members && !members.isEmpty()
        && members.stream().allMatch(m -> m instanceof JsonObject mem && mem.getValue("ref") instanceof String
            && mem.getValue("insurances") instanceof JsonArray ins && ins.stream().allMatch(JsonObject.class::isInstance));
  }

  String householdRef() {
    return household.getJsonObject("household").getString("ref");
  }

  /**
   * The insurances the whole household pays together of which something is picked: what the screen says was picked for
   * everyone. Not one whose items are all paid, beside a pension picked alone.
   */
  Set<String> wholeFamily() {
    Set<String> out = new TreeSet<>();
    picked.values().stream().filter(this::whole).forEach(sel -> out.add(sel.getString("insurance")));
    return out;
  }

  /** Something of an open year is still unpaid. */
  boolean hasPayable() {
    return !payable(household).isEmpty();
  }

  /**
   * Something is held by an order not paid yet (a QR code or a phone's pay sheet left open, here or elsewhere): the
   * gateway frees it when that order is paid, cancelled or expires.
   */
  boolean hasInProgress() {
    return !items(household, it -> "in-progress".equals(it.getString("status"))).isEmpty();
  }

  /**
   * When the last of the orders holding items ends (the lookup's {@code heldUntil}): after it the items may be paid
   * here; empty where nothing is held, or the gateway did not say (one that does not give it).
   */
  Optional<Instant> heldUntil() {
    return items(household, it -> "in-progress".equals(it.getString("status"))).values().stream()
        .map(it -> it.getString("heldUntil")).filter(Objects::nonNull).map(t -> java.time.OffsetDateTime.parse(t).toInstant())
        .max(Comparator.naturalOrder());
  }

  /**
   * Adds or removes one member's insurance of a year (null: the oldest unpaid one), for every member where the
   * whole household must pay; picking one year drops another year of the same item. False, and nothing changes,
   * when the household has no such unpaid item.
   */
  boolean toggle(String memberRef, String insurance, Integer year) {
    Map<String, JsonObject> p = payable(household);
    String k = find(p, memberRef, insurance, year);
    if (k == null) {
      return false;
    }
    JsonObject chosen = p.get(k);
    boolean on = !picked.containsKey(k);
    p.forEach((key, item) -> {
      if (key.equals(k) || whole(chosen) && insurance.equals(item.getString("insurance"))
          && Objects.equals(chosen.getValue("year"), item.getValue("year"))) {
        if (on) {
          pick(key, item, null);
        } else {
          picked.remove(key);
        }
      }
    });
    return true;
  }

  boolean toggle(String memberRef, String insurance) {
    return toggle(memberRef, insurance, null);
  }

  /** Picks a pension item of a year (null: the one picked, else the oldest) at this tier (yuan). False when the item or the tier does not exist. */
  boolean tier(String memberRef, String insurance, Integer year, int tier) {
    Map<String, JsonObject> p = payable(household);
    String k = year == null ? pickedKey(memberRef, insurance) : null;
    k = k != null ? k : find(p, memberRef, insurance, year);
    JsonObject item = k == null ? null : p.get(k);
    if (item == null) {
      return higherTier(memberRef, insurance, year, tier);
    }
    if (tierOf(item, tier) == null) {
      return false;
    }
    if (!picked.containsKey(k)) {
      toggle(memberRef, insurance, item.getInteger("year"));
    }
    picked.get(k).put("tier", tier);
    return true;
  }

  /**
   * An item the government pays at its lowest tier (000: DIBAO and others "any tier, the district pays 100 of it"):
   * a higher tier is the resident's choice, picked alone at that tier; its lowest drops it again. Never picked by
   * 全家缴费 or the whole-family rule: nothing of it is owed.
   */
  private boolean higherTier(String memberRef, String insurance, Integer year, int tier) {
    Map<String, JsonObject> up = upgradable(household);
    String k = find(up, memberRef, insurance, year);
    JsonObject item = k == null ? null : up.get(k);
    JsonObject t = item == null ? null : tierOf(item, tier);
    if (t == null) {
      return false;
    }
    if (t.getLong("personalFen", 0L) == 0) {
      picked.remove(k);
    } else {
      pick(k, item, tier);
    }
    return true;
  }

  boolean tier(String memberRef, String insurance, int tier) {
    return tier(memberRef, insurance, null, tier);
  }

  /** 全家缴费: every member's unpaid insurance (one year each: the one picked, else the oldest), pension at the tier already chosen or its default. */
  void pickAll() {
    payable(household).forEach((k, item) -> {
      if (!picked.containsKey(k) && !pickedOtherYear(k)) {
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
    p.putAll(upgradable(household));
    for (Map.Entry<String, JsonObject> e : picked.entrySet()) {
      sum += personalFen(p.get(e.getKey()), e.getValue().getInteger("tier"));
    }
    return sum;
  }

  /** What 全家缴费 would cost: what {@link #pickAll()} would pick, at the chosen tier or the default one. */
  long allFen() {
    long sum = 0;
    Set<String> counted = new TreeSet<>();
    for (Map.Entry<String, JsonObject> e : payable(household).entrySet()) {
      JsonObject sel = picked.get(e.getKey());
      String item = memberInsurance(e.getKey());
      if (sel == null && (pickedOtherYear(e.getKey()) || counted.contains(item))) {
        continue;
      }
      counted.add(item);
      sum += personalFen(e.getValue(), sel != null ? sel.getInteger("tier") : defaultTier(e.getValue()));
    }
    // a higher tier than the one the government pays, chosen already: pickAll keeps it, and the resident pays its part
    Map<String, JsonObject> upgradable = upgradable(household);
    for (Map.Entry<String, JsonObject> e : picked.entrySet()) {
      if (upgradable.containsKey(e.getKey())) {
        sum += personalFen(upgradable.get(e.getKey()), e.getValue().getInteger("tier"));
      }
    }
    return sum;
  }

  private boolean whole(JsonObject item) {
    String ins = item.getString("insurance");
    return wholeFamily.contains(ins + "/" + item.getValue("year")) || wholeFamily.contains(ins + "/*");
  }

  private static String find(Map<String, JsonObject> p, String memberRef, String insurance, Integer year) {
    if (year != null) {
      String k = memberRef + "/" + insurance + "/" + year;
      return p.containsKey(k) ? k : null;
    }
    for (String k : p.keySet()) {
      if (memberInsurance(k).equals(memberRef + "/" + insurance)) {
        return k;
      }
    }
    return null;
  }

  private String pickedKey(String memberRef, String insurance) {
    for (String k : picked.keySet()) {
      if (memberInsurance(k).equals(memberRef + "/" + insurance)) {
        return k;
      }
    }
    return null;
  }

  private boolean pickedOtherYear(String key) {
    String mi = memberInsurance(key);
    return picked.keySet().stream().anyMatch(k -> !k.equals(key) && memberInsurance(k).equals(mi));
  }

  private static String memberInsurance(String key) {
    return key.substring(0, key.lastIndexOf('/'));
  }

  private void pick(String key, JsonObject item, Integer tier) {
    String mi = memberInsurance(key);
    picked.keySet().removeIf(k -> !k.equals(key) && memberInsurance(k).equals(mi));
    String[] parts = key.split("/", 3);
    JsonObject sel = new JsonObject().put("memberRef", parts[0]).put("insurance", parts[1]).put("year", item.getInteger("year"));
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

  /** Items the government pays at their lowest tier that offer a higher one the resident may pay the rest of. */
  static Map<String, JsonObject> upgradable(JsonObject household) {
    return items(household, it -> "paid-by-government".equals(it.getString("status")) && it.getJsonArray("tiers") != null
        && it.getJsonArray("tiers").stream().anyMatch(t -> ((JsonObject) t).getLong("personalFen", 0L) > 0));
  }

  /** member/insurance/year → the item, for every unpaid item of the household, oldest year first as the gateway lists them. */
  static Map<String, JsonObject> payable(JsonObject household) {
    return items(household, it -> "unpaid".equals(it.getString("status")));
  }

  /** The household's items that {@code which} takes, by member/insurance/year, in the gateway's order. */
  private static Map<String, JsonObject> items(JsonObject household, Predicate<JsonObject> which) {
    Map<String, JsonObject> m = new LinkedHashMap<>();
    if (household == null) {
      return m;
    }
    for (Object mo : household.getJsonArray("members", new JsonArray())) {
      JsonObject mem = (JsonObject) mo;
      for (Object o : mem.getJsonArray("insurances", new JsonArray())) {
        JsonObject it = (JsonObject) o;
        if (which.test(it)) {
          m.put(mem.getString("ref") + "/" + it.getString("insurance") + "/" + it.getValue("year"), it);
        }
      }
    }
    return m;
  }
}
