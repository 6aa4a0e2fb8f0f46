package cn.liangxian.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What a resident's phone or kiosk sends on the way through a payment, built from what the gateway
 * answered: the simulations call these so that every order is one a real family could place.
 */
public final class Journey {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Journey() {}

  public static String lookupBody(String idNumber, String name) {
    return JSON.createObjectNode().put("idNumber", idNumber).put("name", name).toString();
  }

  /**
   * The order a family places after a lookup: every member and insurance the lookup shows unpaid, a
   * pension at its lowest tier. Null when nothing is left to pay (paid already, exempt, paid by the
   * government), as a family that finds itself paid up goes home. A mini-program order names no payer:
   * the gateway takes it from the session the resident logged in with.
   */
  public static String orderBody(String lookupAnswer, String channel, String mode) {
    JsonNode household;
    try {
      household = JSON.readTree(lookupAnswer);
    } catch (IOException e) {
      throw new UncheckedIOException("the lookup answer is not JSON", e);
    }
    ArrayNode items = JSON.createArrayNode();
    for (JsonNode m : household.path("members")) {
      for (JsonNode ins : m.path("insurances")) {
        if (!"unpaid".equals(ins.path("status").asText()) || items.size() == 30) {
          continue;
        }
        ObjectNode item = items.addObject().put("memberRef", m.path("ref").asText())
            .put("insurance", ins.path("insurance").asText()).put("year", ins.path("year").asInt());
        JsonNode tiers = ins.path("tiers");
        if ("pension".equals(ins.path("insurance").asText()) && tiers.isArray() && !tiers.isEmpty()) {
          item.put("tier", tiers.get(0).path("tier").asInt());
        }
      }
    }
    if (items.isEmpty()) {
      return null;
    }
    ObjectNode order = JSON.createObjectNode().put("householdRef", household.path("household").path("ref").asText())
        .put("channel", channel).put("mode", mode);
    order.set("items", items);
    return order.toString();
  }
}
