package cn.liangxian.gateway.http;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Dates and years a request names, held to the years a collection can concern: 2000 to 2099. Java reads
 * "+999999999-12-31" as a date, which PostgreSQL either refuses (a 503 for the caller's mistake) or keeps
 * as another day; a date outside the range is the caller's error, 400, naming the field.
 */
public final class RequestDates {
  public static final int FIRST_YEAR = 2000;
  public static final int LAST_YEAR = 2099;

  private RequestDates() {}

  /** A day, {@code YYYY-MM-DD}. */
  public static LocalDate day(String text, String field) {
    return within(text, field, "a date YYYY-MM-DD", LocalDate::parse, LocalDate::getYear);
  }

  /** An instant with its offset, such as {@code 2026-11-23T08:00:00+08:00}. */
  public static OffsetDateTime instant(String text, String field) {
    return within(text, field, "a timestamp such as 2026-11-23T08:00:00+08:00", OffsetDateTime::parse, OffsetDateTime::getYear);
  }

  private static <T> T within(String text, String field, String what, java.util.function.Function<String, T> parse,
      java.util.function.ToIntFunction<T> year) {
    T t;
    try {
      t = parse.apply(text);
    } catch (DateTimeParseException | NullPointerException e) {
      throw outside(field, what);
    }
    if (!concerns(year.applyAsInt(t))) {
      throw outside(field, what);
    }
    return t;
  }

  /** A benefit year. */
  public static int year(String text, String field) {
    int y;
    try {
      y = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw outside(field, "a year");
    }
    if (!concerns(y)) {
      throw outside(field, "a year");
    }
    return y;
  }

  /**
   * Whether a date of this year can be stored and compared as written: a status a department certified long ago (1995),
   * or "no end" (9999-12-31), is; "+999999999-12-31", which Java reads, is not (PostgreSQL refuses it or keeps another
   * day). For the dates of a status, not for the years a collection concerns ({@link #concerns}).
   */
  public static boolean storable(int year) {
    return year >= 1900 && year <= 9999;
  }

  /** Whether a collection can concern this year. */
  public static boolean concerns(int year) {
    return year >= FIRST_YEAR && year <= LAST_YEAR;
  }

  private static Problem outside(String field, String what) {
    return Problem.invalidField(field, field + " must be " + what + " from " + FIRST_YEAR + " to " + LAST_YEAR);
  }
}
