package cn.liangxian.gateway.order;

import cn.liangxian.gateway.http.JsonBodies;
import cn.liangxian.gateway.http.Problem;
import cn.liangxian.policy.Insurance;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/** The body of {@code POST /api/v1/orders}, read strictly. Amounts are never taken from the client. */
public record OrderRequest(UUID householdRef, String channel, String mode, List<Item> items, byte[] hash) {
  /** No payer field: who pays a mini-program order is the logged-in resident, never what a body says. */
  static final Set<String> FIELDS = Set.of("householdRef", "channel", "mode", "items");
  static final Set<String> ITEM_FIELDS = Set.of("memberRef", "insurance", "year", "tier");

  public record Item(UUID memberRef, Insurance insurance, int year, Integer tier) {}

  static OrderRequest from(JsonObject b, Set<String> channels) {
    UUID household = uuid(JsonBodies.requiredString(b, "householdRef", 40), "householdRef");
    String channel = JsonBodies.requiredString(b, "channel", 20);
    if (!channels.contains(channel)) {
      throw Problem.invalidField("channel", "channel must be one of " + channels.stream().sorted().toList());
    }
    String mode = JsonBodies.requiredString(b, "mode", 10);
    if (!mode.equals("qr") && !mode.equals("mini")) {
      throw Problem.invalidField("mode", "mode must be \"qr\" (kiosk QR code) or \"mini\" (mini-program)");
    }
    if (channel.equals("unionpay") && !mode.equals("qr")) {
      // any UnionPay app scans the code; there is no UnionPay mini-program payment
      throw Problem.invalidField("mode", "channel \"unionpay\" takes mode \"qr\" only");
    }
    Object raw = b.getValue("items");
    if (!(raw instanceof JsonArray arr) || arr.isEmpty() || arr.size() > 30) {
      throw Problem.invalidField("items", "items must be a list of 1 to 30 items");
    }
    List<Item> items = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int n = 0; n < arr.size(); n++) {
      final int i = n;
      if (!(arr.getValue(i) instanceof JsonObject it)) {
        throw Problem.invalidField("items[" + i + "]", "each item must be an object");
      }
      for (String f : it.fieldNames()) {
        if (!ITEM_FIELDS.contains(f)) {
          throw Problem.invalidField("items[" + i + "]." + f, "unknown field '" + f + "' in an item (allowed: memberRef, insurance, year, tier)");
        }
      }
      UUID member = uuid(JsonBodies.requiredString(it, "memberRef", 40), "items[" + i + "].memberRef");
      Insurance ins = Insurance.ofCode(String.valueOf(it.getValue("insurance")))
          .orElseThrow(() -> Problem.invalidField("items[" + i + "].insurance", "insurance must be \"medical\" or \"pension\""));
      if (!(it.getValue("year") instanceof Integer year)) {
        throw Problem.invalidField("items[" + i + "].year", "year must be a whole number");
      }
      Object t = it.getValue("tier");
      if (t != null && !(t instanceof Integer)) {
        throw Problem.invalidField("items[" + i + "].tier", "tier must be a whole number of yuan");
      }
      // one benefit year per member and insurance in an order: refunds, receipts and the agencies' records
      // name an order's item by member and insurance; another open year is paid in a second order
      if (!seen.add(member + "/" + ins)) {
        throw Problem.invalidField("items[" + i + "]", "the same member and insurance is listed twice; an order pays one"
            + " benefit year of each member's insurance (pay another open year in a second order)");
      }
      items.add(new Item(member, ins, year, (Integer) t));
    }
    return new OrderRequest(household, channel, mode, items, hash(b));
  }

  private static UUID uuid(String s, String field) {
    try {
      return UUID.fromString(s);
    } catch (IllegalArgumentException e) {
      throw Problem.invalidField(field, field + " must be a reference from the lookup");
    }
  }

  /** SHA-256 of the body with keys sorted, so the same request hashes the same whatever its key order. */
  static byte[] hash(JsonObject body) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(canonical(body).getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String canonical(Object v) {
    if (v instanceof JsonObject o) {
      TreeMap<String, String> m = new TreeMap<>();
      o.forEach(e -> m.put(e.getKey(), canonical(e.getValue())));
      StringBuilder sb = new StringBuilder("{");
      m.forEach((k, x) -> sb.append(new JsonArray().add(k).encode()).append(':').append(x).append(','));
      return sb.append('}').toString();
    }
    if (v instanceof JsonArray a) {
      StringBuilder sb = new StringBuilder("[");
      a.forEach(x -> sb.append(canonical(x)).append(','));
      return sb.append(']').toString();
    }
    return new JsonArray().add(v).encode();
  }
}
