package cn.liangxian.gateway.time;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A moment as operators' answers write it: ISO 8601 in UTC, always with its seconds (2019-12-15T02:00:00Z, never the
 * 2019-12-15T02:00Z that {@code OffsetDateTime.toString()} writes on the minute and a strict reader refuses), its
 * fraction of a second where it has one. Residents' answers are in Beijing time ({@link BeijingTime#iso}).
 */
public final class UtcTime {
  private UtcTime() {}

  public static String iso(OffsetDateTime t) {
    return t == null ? null : t.withOffsetSameInstant(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
  }
}
