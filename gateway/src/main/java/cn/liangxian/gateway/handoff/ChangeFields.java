package cn.liangxian.gateway.handoff;

import cn.liangxian.gateway.http.RequestDates;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Set;

/**
 * What a change must hold before anything is looked up for it: each field of the type the agency interface
 * gives it. A change that does not is refused with a reason naming the field, and the others of its batch
 * go on; the reasons are fixed texts, never an exception's.
 */
final class ChangeFields {
  static final Set<String> INSURANCES = Set.of("medical", "pension");

  private ChangeFields() {}

  /** Why the change is refused, or null when it may be applied; {@code ownInsurance} is the sender's, null for any. */
  static String refusal(JsonObject c, String ownInsurance) {
    if (!(c.getValue("changeId") instanceof String id) || id.isBlank() || id.length() > 100 || id.indexOf('\0') >= 0) {
      return "changeId must be a text of 1 to 100 characters";
    }
    if (holdsAnIdNumber(id)) {
      // kept in clear as the change's key (what tells a change sent again): an ID number must not be in it
      return "changeId must not hold an ID number: number the agency's changes in a sequence of its own";
    }
    if (!(c.getValue("kind") instanceof String kind) || !AgencyChanges.KINDS.contains(kind)) {
      return "kind must be one of EMPLOYEE_INSURANCE, INSURED_ELSEWHERE, DIED, CATEGORY, PAID_ELSEWHERE";
    }
    if (c.getBinary("idIndex") == null) {
      return "idNumber must be the person's ID number (18 characters, or 15 for a legacy one) sealed with the message key";
    }
    for (String field : new String[] {"insurance", "category", "department", "validFrom", "place"}) {
      if (c.getValue(field) != null && !(c.getValue(field) instanceof String)) {
        return field + " must be a text";
      }
      // PostgreSQL stores no NUL in a text: it would fail the whole batch, again at every retry
      if (c.getValue(field) instanceof String v && v.indexOf('\0') >= 0) {
        return field + " must not hold a NUL character";
      }
    }
    if (c.getValue("year") != null && !(c.getValue("year") instanceof Integer y && RequestDates.concerns(y))) {
      return "year must be a whole number, such as 2020";
    }
    String insurance = c.getString("insurance");
    if (insurance != null && !INSURANCES.contains(insurance)) {
      return "insurance is medical or pension";
    }
    if (ownInsurance != null && insurance != null && !insurance.equals(ownInsurance)) {
      return "this receiver speaks for " + ownInsurance + " only";
    }
    if (kind.equals("CATEGORY") && (c.getString("category") == null || c.getString("category").isBlank())) {
      return "a CATEGORY change needs its category";
    }
    if (c.getString("validFrom") != null && !isDate(c.getString("validFrom"))) {
      return "validFrom must be a date such as 2019-01-01";
    }
    return null;
  }

  private static final java.util.regex.Pattern EIGHTEEN = java.util.regex.Pattern.compile("(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])");

  /** Whether a run of 18 characters in the text is a resident ID number (its region, birth date and check digit valid). */
  static boolean holdsAnIdNumber(String text) {
    java.util.regex.Matcher m = EIGHTEEN.matcher(java.text.Normalizer.normalize(text, java.text.Normalizer.Form.NFKC));
    while (m.find()) {
      try {
        cn.liangxian.policy.IdNumber.parse(m.group());
        return true;
      } catch (IllegalArgumentException e) {
        // a serial number of 18 digits: no ID number
      }
    }
    return false;
  }

  /**
   * Whether the text is a date as the interface writes them (ISO 8601, 2019-01-01), one a database stores as written
   * ({@link RequestDates#storable}): a status certified in 1995 is; "+999999999-12-31", which Java reads, is not.
   */
  static boolean isDate(String s) {
    try {
      return RequestDates.storable(LocalDate.parse(s).getYear());
    } catch (DateTimeParseException e) {
      return false;
    }
  }
}
