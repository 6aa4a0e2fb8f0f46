package cn.liangxian.policy.cli;

import cn.liangxian.policy.Categories;
import cn.liangxian.policy.Category;
import cn.liangxian.policy.IdNumber;
import cn.liangxian.policy.Insurance;
import cn.liangxian.policy.Person;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;

/** One input line of {@code policy assess}, read strictly: a misspelt field is an error, never ignored. */
record AssessRequest(Person person, Insurance insurance, Integer tierYuan, LocalDate payDate, Set<String> addOns) {
  static final Set<String> FIELDS = Set.of(
      "idNumber", "insurance", "categories", "local", "tier", "payDate", "addOns", "enrolledElsewhere", "spouseIdNumber",
      "lastMedicalYear");

  /** @throws IllegalArgumentException with a message fit for the {@code error} field */
  static AssessRequest from(JsonNode n, boolean insuranceRequired, Categories known) {
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("each line must be a JSON object");
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw new IllegalArgumentException("unknown field '" + f + "' (known: " + String.join(", ", FIELDS.stream().sorted().toList()) + ")");
      }
      if (!insuranceRequired && (f.equals("insurance") || f.equals("payDate"))) {
        // a household member's would be ignored: the household's line sets them for every member
        throw new IllegalArgumentException(f + " is the household's, not a member's: give it once, beside members");
      }
    }
    IdNumber idNumber = idNumber(n);
    Insurance insurance = insurance(n, insuranceRequired);
    Set<Category> categories = categories(n, known);
    boolean local = bool(n, "local", true);
    boolean elsewhere = bool(n, "enrolledElsewhere", false);
    IdNumber spouse = spouse(n);
    Integer tier = tier(n);
    LocalDate payDate = payDate(n);
    Set<String> addOns = new LinkedHashSet<>(strings(n, "addOns"));
    Integer lastMedicalYear = lastMedicalYear(n);
    return new AssessRequest(new Person(idNumber, categories, local, elsewhere, spouse, java.util.Map.of(), lastMedicalYear),
        insurance, tier, payDate, addOns);
  }

  private static IdNumber idNumber(JsonNode n) {
    JsonNode id = n.get("idNumber");
    if (id == null || id.isNull()) {
      throw new IllegalArgumentException("idNumber is required");
    }
    if (!id.isTextual()) {
      throw new IllegalArgumentException("idNumber must be a string");
    }
    return IdNumber.parse(id.asText());
  }

  /** The insurance, or null where the line may leave it out (a household line states it once). */
  private static Insurance insurance(JsonNode n, boolean required) {
    JsonNode ins = n.get("insurance");
    if (ins == null || ins.isNull()) {
      if (required) {
        throw new IllegalArgumentException("insurance is required: \"medical\" or \"pension\"");
      }
      return null;
    }
    return Insurance.ofCode(ins.isTextual() ? ins.asText() : "").orElseThrow(
        () -> new IllegalArgumentException("insurance must be \"medical\" or \"pension\", got " + ins));
  }

  /** Category codes, national or declared by the book. */
  private static Set<Category> categories(JsonNode n, Categories known) {
    Set<Category> categories = new LinkedHashSet<>();
    for (String code : strings(n, "categories")) {
      categories.add(known.find(code).orElseThrow(() -> new IllegalArgumentException(
          "unknown category '" + code + "' (known: " + known.knownCodes() + ")")));
    }
    return categories;
  }

  private static IdNumber spouse(JsonNode n) {
    JsonNode sp = n.get("spouseIdNumber");
    if (sp == null || sp.isNull()) {
      return null;
    }
    if (!sp.isTextual()) {
      throw new IllegalArgumentException("spouseIdNumber must be a string");
    }
    try {
      return IdNumber.parse(sp.asText());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("spouseIdNumber: " + e.getMessage());
    }
  }

  private static Integer tier(JsonNode n) {
    JsonNode t = n.get("tier");
    if (t == null || t.isNull()) {
      return null;
    }
    if (!t.isIntegralNumber() || !t.canConvertToInt() || t.asInt() <= 0) {
      throw new IllegalArgumentException("tier must be a positive whole number of yuan, got " + t);
    }
    return t.asInt();
  }

  /** The last benefit year the person had resident medical cover (the agency's record), or null: not known. */
  private static Integer lastMedicalYear(JsonNode n) {
    JsonNode y = n.get("lastMedicalYear");
    if (y == null || y.isNull()) {
      return null;
    }
    if (!y.isIntegralNumber() || !y.canConvertToInt() || y.asInt() < 1990 || y.asInt() > 2100) {
      throw new IllegalArgumentException("lastMedicalYear must be a year such as 2024, got " + y);
    }
    return y.asInt();
  }

  private static LocalDate payDate(JsonNode n) {
    JsonNode d = n.get("payDate");
    if (d == null || d.isNull()) {
      return null;
    }
    if (!d.isTextual()) {
      throw new IllegalArgumentException("payDate must be a string \"YYYY-MM-DD\"");
    }
    try {
      return LocalDate.parse(d.asText());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("payDate must be a real date \"YYYY-MM-DD\", got \"" + d.asText() + "\"");
    }
  }

  private static boolean bool(JsonNode n, String field, boolean dflt) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isBoolean()) {
      throw new IllegalArgumentException(field + " must be true or false, got " + v);
    }
    return v.asBoolean();
  }

  private static Set<String> strings(JsonNode n, String field) {
    JsonNode v = n.get(field);
    Set<String> out = new LinkedHashSet<>();
    if (v == null || v.isNull()) {
      return out;
    }
    if (!v.isArray()) {
      throw new IllegalArgumentException(field + " must be an array of strings");
    }
    for (JsonNode item : v) {
      if (!item.isTextual()) {
        throw new IllegalArgumentException(field + " must be an array of strings, got " + item);
      }
      out.add(item.asText());
    }
    return out;
  }
}
