package cn.liangxian.gateway.roster;

import cn.liangxian.gateway.privacy.PersonalDataCipher;
import cn.liangxian.gateway.roster.RosterCsv.Row;
import cn.liangxian.gateway.roster.RosterImport.RegionInfo;
import cn.liangxian.policy.IdNumber;
import cn.liangxian.policy.PolicyBook;
import cn.liangxian.policy.Sex;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/** A village-roster row checked on its own, without the rest of the file or the database, and encrypted. */
final class RosterRowCheck {
  /** Below this age a guardian given on a row is kept where the region's book names no age of its own. */
  static final int MINOR_UNDER = 16;
  /**
   * What a guardian's phone number is sealed for at rest ({@code person.guardian_phone_enc}), as UTF-8. Rows imported
   * before it were sealed as ID numbers are: {@link #guardianPhone} reads both.
   */
  static final String GUARDIAN_PHONE = PersonalDataCipher.GUARDIAN_PHONE;

  /** A guardian's phone number as kept in {@code person.guardian_phone_enc}, sealed either way it has been. */
  static String guardianPhone(PersonalDataCipher cipher, byte[] stored) {
    try {
      return new String(cipher.open(stored, GUARDIAN_PHONE), StandardCharsets.UTF_8);
    } catch (java.security.GeneralSecurityException e) {
      return cipher.decrypt(stored); // imported before the phone had a purpose of its own; IllegalStateException if neither
    }
  }

  private final PersonalDataCipher cipher;

  /** What the import's connection is named: by the key its rows are sealed under. */
  String sealingName() {
    return cipher.sealingName();
  }
  private final Map<String, RegionInfo> regions;

  RosterRowCheck(PersonalDataCipher cipher, Map<String, RegionInfo> regions) {
    this.cipher = cipher;
    this.regions = regions;
  }

  /** The reason a row is refused, or its blind index and its COPY line. */
  record Checked(Row row, String reason, byte[] index, String copyLine) {}

  Checked check(Row r) {
    if (r.problem() != null) {
      return refused(r, r.problem());
    }
    RegionInfo info = regions.get(r.get("region_code"));
    String missing = missing(r, info);
    if (missing != null) {
      return refused(r, missing);
    }
    IdNumber id;
    try {
      id = IdNumber.parse(r.get("id_number"));
    } catch (IllegalArgumentException e) {
      return refused(r, "invalid ID number: " + e.getMessage());
    }
    Boolean local = bool(r.get("local"), true);
    Boolean elsewhere = bool(r.get("enrolled_elsewhere"), false);
    if (local == null || elsewhere == null) {
      return refused(r, "local and enrolled_elsewhere must be true/false (是/否)");
    }
    IdNumber guardian = null;
    // the guardian is a minor's: where the region's notice requires one (its book's roster.guardian), a row without
    // it is refused; elsewhere one given is kept, and checked
    PolicyBook.GuardianRule rule = info.guardian();
    int age = id.ageOn(info.ageDate());
    if (rule != null && age < rule.underAge() && (r.get("guardian_id_number").isEmpty() || r.get("guardian_name").isEmpty()
        || rule.phone() && r.get("guardian_phone").isEmpty())) {
      return refused(r, "under " + rule.underAge() + " without guardian (guardian_id_number, guardian_name"
          + (rule.phone() ? " and guardian_phone are" : " are") + " required by " + rule.source() + ")");
    }
    if (age < (rule == null ? MINOR_UNDER : rule.underAge()) && !r.get("guardian_id_number").isEmpty()) {
      try {
        guardian = IdNumber.parse(r.get("guardian_id_number"));
      } catch (IllegalArgumentException e) {
        return refused(r, "invalid guardian ID number: " + e.getMessage());
      }
    }
    IdNumber spouse = null;
    if (!r.get("spouse_id_number").isEmpty()) {
      try {
        spouse = IdNumber.parse(r.get("spouse_id_number"));
      } catch (IllegalArgumentException e) {
        return refused(r, "invalid spouse ID number: " + e.getMessage());
      }
      if (spouse.value().equals(id.value())) {
        return refused(r, "spouse_id_number is the person's own");
      }
    }
    String lastYear = r.get("medical_last_year").replaceFirst("年$", "");
    // not after the year the region's book collects for (its age date's year, or the one after): a mistyped 2052 would
    // spare the person any wait for good, as a later year is never replaced by an earlier one
    int latest = info.ageDate().getYear() + 1;
    if (!lastYear.isEmpty() && !(lastYear.matches("(19|20)[0-9]{2}") && Integer.parseInt(lastYear) >= 1990
        && Integer.parseInt(lastYear) <= latest)) {
      return refused(r, "medical_last_year (上次参保年度) must be a year from 1990 to " + latest + ", or empty where not known");
    }
    return accepted(r, id, local, elsewhere, guardian, spouse, lastYear.isEmpty() ? null : lastYear);
  }

  /** What a row lacks before its ID number is read: a known region, the place, the household, the name. */
  private static String missing(Row r, RegionInfo info) {
    if (info == null) {
      // the cell masked: a column put in the wrong place may hold an ID number
      return "unknown region code '" + cn.liangxian.gateway.privacy.Masking.digitRuns(r.get("region_code")) + "'";
    } else if (r.get("township").isEmpty() || r.get("village").isEmpty()) {
      return "township and village are required";
    } else if (r.get("household").isEmpty()) {
      return "household number is required";
    } else if (r.get("name").isEmpty() || r.get("name").length() > 50) {
      return "name is required (at most 50 characters)";
    }
    return null;
  }

  private static Checked refused(Row r, String reason) {
    return new Checked(r, reason, null, null);
  }

  /** The row as the staging table's COPY line: ID numbers and phone only encrypted or as blind index. */
  private Checked accepted(Row r, IdNumber id, Boolean local, Boolean elsewhere, IdNumber guardian, IdNumber spouse,
      String medicalLastYear) {
    byte[] index = cipher.index(id.value());
    String line = BulkLoad.line(Integer.toString(r.line()), r.get("region_code"), r.get("township"), r.get("village"),
        r.get("household"), BulkLoad.bytea(index), BulkLoad.bytea(cipher.encrypt(id.value())),
        // the mask kept in clear stops short of the tail, which is sealed: with the birth date beside it, it was the number
        PersonalDataCipher.maskedAtRest(id.masked()), BulkLoad.bytea(cipher.sealTail(id.value())),
        r.get("name"),
        id.birthDate().toString(), id.sex() == Sex.MALE ? "M" : "F", local.toString(), elsewhere.toString(),
        guardian == null ? null : BulkLoad.bytea(cipher.index(guardian.value())),
        guardian == null ? null : r.get("guardian_name"),
        r.get("guardian_phone").isEmpty() ? null
            : BulkLoad.bytea(cipher.seal(r.get("guardian_phone").getBytes(StandardCharsets.UTF_8), GUARDIAN_PHONE)),
        // of the spouse's number only what an assessment reads: the number itself is not kept
        spouse == null ? null : spouse.birthDate().toString(), spouse == null ? null : spouse.sex() == Sex.MALE ? "M" : "F",
        medicalLastYear);
    return new Checked(r, null, index, line);
  }

  private static Boolean bool(String v, boolean dflt) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "" -> dflt;
      case "true", "1", "是", "y", "yes" -> true;
      case "false", "0", "否", "n", "no" -> false;
      default -> null;
    };
  }
}
