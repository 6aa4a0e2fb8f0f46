package cn.liangxian.policy;

import java.time.DateTimeException;
import java.time.LocalDate;

/**
 * A citizen identity number (公民身份号码, GB 11643-1999): 6-digit region code, birth date, 3-digit
 * sequence (odd for men), ISO 7064 MOD 11-2 check character. Legacy 15-digit numbers (GB 11643-1989)
 * are converted to 18 digits.
 *
 * <p>{@link #toString()} is masked so that an ID number never reaches a log in clear by accident;
 * {@link #value()} gives the full number to code that must have it.
 */
public final class IdNumber implements Identity {
  private static final int[] WEIGHTS = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  private static final char[] CHECK = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};
  /** GB/T 2260 province-level codes (first two digits). */
  private static final String PROVINCES =
      " 11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 ";
  private static final LocalDate EARLIEST_BIRTH = LocalDate.of(1880, 1, 1);

  private final String value;
  private final LocalDate birthDate;

  private IdNumber(String value, LocalDate birthDate) {
    this.value = value;
    this.birthDate = birthDate;
  }

  /**
   * Parses an 18-digit number (a final lower-case {@code x} is accepted and normalised to {@code X})
   * or a legacy 15-digit number. Surrounding blanks are ignored.
   *
   * @throws InvalidIdNumberException saying exactly what is wrong
   */
  public static IdNumber parse(String text) {
    if (text == null) {
      throw new InvalidIdNumberException("ID number is missing");
    }
    // typed or exported with full-width digits (３７１３…, Ｘ): the same number
    String s = java.text.Normalizer.normalize(text, java.text.Normalizer.Form.NFKC).strip();
    if (s.isEmpty()) {
      throw new InvalidIdNumberException("ID number is empty");
    }
    if (s.length() == 15) {
      return parseLegacy(s);
    }
    if (s.length() != 18) {
      throw new InvalidIdNumberException(
          "ID number must have 18 characters (or 15 for a legacy number), got " + s.length());
    }
    for (int i = 0; i < 17; i++) {
      if (!isAsciiDigit(s.charAt(i))) {
        throw new InvalidIdNumberException(
            "ID number character " + (i + 1) + " must be a digit, got '" + s.charAt(i) + "'");
      }
    }
    char last = s.charAt(17);
    if (last == 'x') {
      last = 'X';
      s = s.substring(0, 17) + 'X';
    }
    if (!isAsciiDigit(last) && last != 'X') {
      throw new InvalidIdNumberException(
          "ID number check character must be a digit or X, got '" + s.charAt(17) + "'");
    }
    checkRegion(s);
    LocalDate birth = birthDate(s.substring(6, 14), "7 to 14");
    char expected = checkCharacter(s);
    if (expected != last) {
      throw new InvalidIdNumberException(
          "ID number check character is wrong: expected " + expected + ", got " + last
              + " (a digit was probably mistyped)");
    }
    return new IdNumber(s, birth);
  }

  private static IdNumber parseLegacy(String s) {
    for (int i = 0; i < 15; i++) {
      if (!isAsciiDigit(s.charAt(i))) {
        throw new InvalidIdNumberException(
            "legacy 15-digit ID number character " + (i + 1) + " must be a digit, got '" + s.charAt(i) + "'");
      }
    }
    // 15-digit numbers carry a 2-digit year of the 1900s and no check character.
    String body = s.substring(0, 6) + "19" + s.substring(6);
    checkRegion(body);
    LocalDate birth = birthDate(body.substring(6, 14), "7 to 12");
    return new IdNumber(body + checkCharacter(body), birth);
  }

  private static void checkRegion(String s) {
    String province = s.substring(0, 2);
    if (!PROVINCES.contains(" " + province + " ")) {
      // which part is wrong, never its digits: the message reaches import reports, command output and logs
      throw new InvalidIdNumberException("ID number region code (its first six digits) is not a Chinese region");
    }
  }

  /** The birth date of these digits; {@code where} names them in the number as typed, for the message. */
  private static LocalDate birthDate(String yyyymmdd, String where) {
    LocalDate birth;
    try {
      birth = LocalDate.of(
          Integer.parseInt(yyyymmdd.substring(0, 4)),
          Integer.parseInt(yyyymmdd.substring(4, 6)),
          Integer.parseInt(yyyymmdd.substring(6, 8)));
    } catch (DateTimeException e) {
      throw new InvalidIdNumberException("ID number birth date (its digits " + where + ") is not a real date");
    }
    if (birth.isBefore(EARLIEST_BIRTH)) {
      throw new InvalidIdNumberException("ID number birth date (its digits " + where + ") is before 1880");
    }
    return birth;
  }

  /** The ISO 7064 MOD 11-2 check character of the first 17 digits. */
  public static char checkCharacter(CharSequence first17) {
    int sum = 0;
    for (int i = 0; i < 17; i++) {
      sum += (first17.charAt(i) - '0') * WEIGHTS[i];
    }
    return CHECK[sum % 11];
  }

  private static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** The full 18-character number. Personal data: never log it. */
  public String value() {
    return value;
  }

  public LocalDate birthDate() {
    return birthDate;
  }

  public Sex sex() {
    return (value.charAt(16) - '0') % 2 == 1 ? Sex.MALE : Sex.FEMALE;
  }

  /** The 6-digit GB/T 2260 region code of the place where the number was issued. */
  public String regionCode() {
    return value.substring(0, 6);
  }

  /** Completed years of age (周岁) on the given date. */
  @Override
  public int ageOn(LocalDate date) {
    return Ages.completedYears(birthDate, date);
  }

  /** Masked for display: first four and last four characters, e.g. {@code 3713**********123X}. */
  public String masked() {
    return value.substring(0, 4) + "**********" + value.substring(14);
  }

  @Override
  public String toString() {
    return masked();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IdNumber other && other.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }
}
