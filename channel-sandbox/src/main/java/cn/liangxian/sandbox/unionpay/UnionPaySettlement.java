package cn.liangxian.sandbox.unionpay;

import cn.liangxian.sandbox.ledger.Ledger;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import java.util.function.Supplier;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The settlement file of a day as UnionPay's file transfer (txnType 76, fileType 00) serves it: a zip
 * holding {@code INN<yyMMdd>88ZM_<merId>}, one fixed-width line per payment and refund, each field followed
 * by a space; the zip deflated and Base64-encoded into {@code fileContent}. The day is Beijing time.
 */
final class UnionPaySettlement {
  static final DateTimeFormatter MMDD = DateTimeFormatter.ofPattern("MMdd");
  private static final DateTimeFormatter YYMMDD = DateTimeFormatter.ofPattern("yyMMdd");
  private static final DateTimeFormatter TRANSMIT = DateTimeFormatter.ofPattern("MMddHHmmss");
  private static final int[] WIDTHS = {3, 11, 11, 6, 10, 19, 12, 4, 2, 21, 2, 32, 2, 6, 10, 13, 13, 4, 15, 2, 2, 6, 2, 4, 32, 1, 21, 15};

  private final Ledger ledger;
  private final Supplier<Collection<UnionPayApi.Request>> requests;

  UnionPaySettlement(Ledger ledger, Supplier<Collection<UnionPayApi.Request>> requests) {
    this.ledger = ledger;
    this.requests = requests;
  }

  /** {@code fileName} and {@code fileContent} of the latest day with this MMDD, up to today. */
  Map<String, String> file(String merId, String mmdd, Instant now) {
    LocalDate today = now.atZone(UnionPayApi.CHINA).toLocalDate();
    LocalDate day = LocalDate.of(today.getYear(), Integer.parseInt(mmdd.substring(0, 2)), Integer.parseInt(mmdd.substring(2)));
    if (day.isAfter(today)) {
      day = day.minusYears(1);
    }
    String name = "INN" + YYMMDD.format(day) + "88ZM_" + merId;
    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(zip, StandardCharsets.UTF_8)) {
      out.putNextEntry(new ZipEntry(name));
      out.write(lines(merId, day).getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.of("fileName", name + ".zip", "fileContent", Base64.getEncoder().encodeToString(deflate(zip.toByteArray())));
  }

  private String lines(String merId, LocalDate day) {
    StringBuilder sb = new StringBuilder();
    for (UnionPayApi.Request r : requests.get()) {
      if (!r.trade().merchantId().equals(merId)) {
        continue;
      }
      if (r.refund() == null && r.trade().paidAt() != null && on(r.trade().paidAt(), day)) {
        sb.append(line("S22", r.trade().paidAt(), r.trade().totalFen(), r.trade().tradeNo(), r.orderId(), "01", "07", "", merId));
      } else if (r.refund() != null && on(r.refund().at(), day)) {
        sb.append(line("S30", r.refund().at(), r.refund().fen(), r.refund().refundId(), r.orderId(), "04", "00",
            r.trade().tradeNo(), merId));
      }
    }
    return sb.toString();
  }

  private static boolean on(Instant at, LocalDate day) {
    return settleDay(at).equals(day);
  }

  /**
   * The day UnionPay settles a transaction on: its Beijing day, or the next one for a transaction after 23:00 (UnionPay's
   * settlement day turns at 23:00 Beijing time, so that day's file lists it with its own time of 23:xx of the day before).
   */
  static LocalDate settleDay(Instant at) {
    ZonedDateTime t = at.atZone(UnionPayApi.CHINA);
    return t.getHour() >= 23 ? t.toLocalDate().plusDays(1) : t.toLocalDate();
  }

  private String line(String code, Instant at, long fen, String queryId, String orderId, String txnType, String txnSubType,
      String origQueryId, String merId) {
    ZonedDateTime t = at.atZone(UnionPayApi.CHINA);
    String[] v = {code, "00010000", "00010000", String.format("%06d", ledger.next() % 1_000_000), TRANSMIT.format(t),
        "6216********0000", String.format("%012d", fen), "8398", "08", queryId, "", orderId, "01", "", "", "000000000000",
        String.format("%013d", fen), "0000", "", txnType, txnSubType, "000000", "01", "", "", "2", origQueryId, merId};
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < WIDTHS.length; i++) {
      sb.append(String.format("%-" + WIDTHS[i] + "s", v[i])).append(' ');
    }
    return sb.append('\n').toString();
  }

  private static byte[] deflate(byte[] data) {
    Deflater d = new Deflater();
    d.setInput(data);
    d.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    while (!d.finished()) {
      out.write(buf, 0, d.deflate(buf));
    }
    d.end();
    return out.toByteArray();
  }
}
