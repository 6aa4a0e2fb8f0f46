package cn.liangxian.gateway.time;

import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** Times as residents read them: Beijing time, on paper as 2026年12月1日 13:51:51, in the API with +08:00. */
public final class BeijingTime {
  public static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
  private static final DateTimeFormatter PAPER = DateTimeFormatter.ofPattern("yyyy年M月d日 HH:mm:ss");
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("H点mm分");

  private BeijingTime() {}

  /** An ISO time in Beijing's offset, to the second: 2026-12-01T13:51:51+08:00; null stays null. */
  public static String offset(String iso) {
    return iso == null ? null : iso(OffsetDateTime.parse(iso));
  }

  /**
   * A moment as the API writes it: ISO 8601 in Beijing's offset, to the second (2026-12-01T13:51:51+08:00; a browser
   * reads no other number of fraction digits the same everywhere); null stays null. Every time a resident's page or
   * kiosk receives is written so.
   */
  public static String iso(OffsetDateTime t) {
    return t == null ? null : t.atZoneSameInstant(ZONE).toOffsetDateTime().truncatedTo(ChronoUnit.SECONDS)
        .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
  }

  /** The time of day in Beijing as a resident reads it, written as the screens write it (13点51分); null stays null. */
  public static String clock(String iso) {
    return iso == null ? null : OffsetDateTime.parse(iso).atZoneSameInstant(ZONE).format(CLOCK);
  }

  public static String paper(String iso) {
    return iso == null ? null : OffsetDateTime.parse(iso).atZoneSameInstant(ZONE).format(PAPER);
  }
}
