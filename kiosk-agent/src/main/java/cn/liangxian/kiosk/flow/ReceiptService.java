package cn.liangxian.kiosk.flow;

import cn.liangxian.kiosk.device.printer.PrintException;
import cn.liangxian.kiosk.device.printer.Receipt;
import cn.liangxian.kiosk.device.printer.ReceiptPrinter;
import cn.liangxian.kiosk.gateway.GatewayClient;
import cn.liangxian.kiosk.journal.OrderJournal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Prints a paid order's receipt at most once: {@code PRINTING} is journaled before the first byte reaches the
 * printer, so a kiosk killed mid-print never prints the same receipt again by itself (the resident or an
 * operator asks for a reprint). A print the printer refused, or said it stopped, is journaled as failed and may be
 * printed again; one whose line failed after the job went out may be on the paper, and stays at most once.
 */
public final class ReceiptService {

  private final Vertx vertx;
  private final GatewayClient gateway;
  private final ReceiptPrinter printer;
  private final OrderJournal journal;
  private final String verifyBaseUrl;
  private final String kioskId;

  public ReceiptService(Vertx vertx, GatewayClient gateway, ReceiptPrinter printer, OrderJournal journal, String verifyBaseUrl,
                        String kioskId) {
    this.kioskId = kioskId;
    this.vertx = vertx;
    this.gateway = gateway;
    this.printer = printer;
    this.journal = journal;
    this.verifyBaseUrl = verifyBaseUrl.replaceAll("/$", "");
  }

  /**
   * Whether a receipt could be printed now: the printer's reason it cannot (plain Chinese), or null. Asked before a
   * resident pays, so that nobody pays at a kiosk that cannot give them a receipt.
   */
  public Future<String> problem() {
    return vertx.executeBlocking(() -> {
      try {
        return printer.status().problem();
      } catch (PrintException e) {
        return e.getMessage();
      } catch (RuntimeException e) {
        // a printer whose own driver fails is one that cannot print: asked before a payment, never let through
        return cn.liangxian.kiosk.device.printer.EscPosReceiptPrinter.NOT_CONNECTED;
      }
    }, false);
  }

  /** Fetches the receipt and prints it; fails with a {@link PrintException} whose message may be shown. */
  public Future<Void> print(String key, String orderId) {
    return receipt(orderId).compose(r -> print(key, r));
  }

  /** The paid order's receipt as the gateway keeps it, as it is printed (its number, lines and verification URL). */
  public Future<Receipt> receipt(String orderId) {
    return gateway.receipt(orderId).map(this::toReceipt);
  }

  /** Prints a receipt fetched before; fails with a {@link PrintException} whose message may be shown. */
  public Future<Void> print(String key, Receipt receipt) {
    return vertx.executeBlocking(() -> {
      try {
        printer.print(receipt, () -> journal.step(key, OrderJournal.Step.PRINTING));
      } catch (PrintException e) {
        if (!e.mayHavePrinted()) {
          journal.step(key, OrderJournal.Step.PRINT_FAILED);
        }
        // else PRINTING stands: the receipt may be on the paper, and is printed again only on request
        throw e;
      }
      try {
        journal.step(key, OrderJournal.Step.PRINTED);
        journal.closed(key, "printed");
      } catch (java.io.IOException e) {
        // the receipt is in the tray: a journal the disk would not take is no failed print (told so, the resident would
        // be offered a second copy). The entry stays at PRINTING, closed at the next start without printing again
        org.slf4j.LoggerFactory.getLogger(ReceiptService.class).error("order {}: receipt printed, but the journal could not"
            + " record it: {}", key, e.toString());
      }
      return null;
    }, true);
  }

  /** A line of 58 mm paper: 32 columns in the printer's Chinese mode, where a Chinese character takes two. */
  static final int PAPER_COLUMNS = 32;

  Receipt toReceipt(JsonObject r) {
    List<String> lines = new ArrayList<>();
    labelled(lines, "地区:", text(r, "region", ""));
    JsonArray items = r.getValue("items") instanceof JsonArray a ? a : new JsonArray();
    for (Object o : items) {
      if (!(o instanceof JsonObject it)) {
        continue;
      }
      String ins = "pension".equals(it.getString("insurance")) ? "养老" : "医疗";
      lines.addAll(fit("", "  ", List.of(text(it, "name", ""), text(it, "idNumber", ""))));
      List<String> what = new ArrayList<>();
      if (it.getValue("year") instanceof Number y) {
        what.add(y.intValue() + "年");
      }
      what.add(ins);
      if (it.getValue("tier") instanceof Number t) {
        what.add("档次" + t.intValue() + "元");
      }
      // the amount stays with its label: a line too long for the paper breaks before 个人缴费, never inside it
      what.add("个人缴费 " + Money.yuan(fen(it, "personalFen")) + "元");
      lines.addAll(fit("  ", "    ", what));
      if (fen(it, "subsidyFen") > 0) {
        lines.addAll(fit("  ", "    ", List.of("政府缴费补贴", Money.yuan(fen(it, "subsidyFen")) + "元")));
      }
      if (fen(it, "governmentFen") > 0) {
        lines.addAll(fit("  ", "    ", List.of("财政补助", Money.yuan(fen(it, "governmentFen")) + "元")));
      }
    }
    labelled(lines, "合计:", Money.yuan(fen(r, "totalFen")) + "元");
    labelled(lines, "支付方式:", text(r, "channelName", channelName(text(r, "channel", null))));
    labelled(lines, "交易号:", text(r, "transactionId", ""));
    labelled(lines, "时间:", beijingTime(text(r, "paidAt", null)));
    labelled(lines, "自助机:", kioskId);
    String no = text(r, "receiptNo", text(r, "orderId", ""));
    return new Receipt(no, text(r, "title", "城乡居民基本医疗/养老保险缴费凭证"), lines, verifyBaseUrl + "/" + no);
  }

  /** "label: value", the value on the next line where both do not fit; nothing at all where there is no value. */
  private static void labelled(List<String> lines, String label, String value) {
    if (value != null && !value.isBlank()) {
      lines.addAll(fit("", "  ", List.of(label, value)));
    }
  }

  /**
   * The answer's text, or {@code otherwise} where it has none: absent, an explicit null (which
   * {@code getString(key, def)} returns as null) or not text.
   */
  private static String text(JsonObject o, String key, String otherwise) {
    return o.getValue(key) instanceof String s ? s : otherwise;
  }

  private static long fen(JsonObject o, String key) {
    return o.getValue(key) instanceof Number n ? n.longValue() : 0L;
  }

  /**
   * {@code parts} joined by spaces on lines of at most {@link #PAPER_COLUMNS}, breaking only between parts: the first
   * line begins with {@code indent}, the others with {@code more}. A part too long for a line by itself is cut where
   * the line ends. Empty parts are left out.
   */
  static List<String> fit(String indent, String more, List<String> parts) {
    List<String> out = new ArrayList<>();
    StringBuilder line = new StringBuilder(indent);
    boolean empty = true;
    for (String part : parts) {
      if (part == null || part.isEmpty()) {
        continue;
      }
      int room = PAPER_COLUMNS - columns(line) - (empty ? 0 : 1);
      if (columns(part) <= room) {
        line.append(empty ? "" : " ").append(part);
        empty = false;
        continue;
      }
      if (!empty) {
        out.add(line.toString());
        line = new StringBuilder(more);
      }
      String rest = part;
      while (columns(line) + columns(rest) > PAPER_COLUMNS) {
        int cut = fitting(rest, PAPER_COLUMNS - columns(line));
        line.append(rest, 0, cut);
        out.add(line.toString());
        line = new StringBuilder(more);
        rest = rest.substring(cut);
      }
      line.append(rest);
      empty = false;
    }
    if (!empty) {
      out.add(line.toString());
    }
    return out;
  }

  /**
   * The columns a text takes on the paper: the printer prints a GB18030 character of one byte (ASCII) in one column
   * and every other character, Chinese or full-width punctuation, in two.
   */
  static int columns(CharSequence s) {
    return s.codePoints().map(ReceiptService::columns).sum();
  }

  private static int columns(int codePoint) {
    return codePoint < 0x80 ? 1 : 2;
  }

  /** How many chars of {@code s} fill at most {@code columns} (at least one character, so that a line always moves on). */
  private static int fitting(String s, int columns) {
    int used = 0;
    int i = 0;
    while (i < s.length()) {
      int c = s.codePointAt(i);
      int w = columns(c);
      if (used + w > columns && i > 0) {
        break;
      }
      used += w;
      i += Character.charCount(c);
    }
    return i;
  }

  /**
   * The channel as residents call it, where the gateway's receipt does not name it; one not known here in words, never its
   * code on paper.
   */
  static String channelName(String channel) {
    return switch (channel == null ? "" : channel) {
      case "wechat" -> "微信支付";
      case "alipay" -> "支付宝";
      case "unionpay" -> "云闪付（银联）";
      default -> "其他支付方式";
    };
  }

  private static final DateTimeFormatter PAPER = DateTimeFormatter.ofPattern("yyyy年M月d日 HH:mm:ss");

  /** As residents read a time on paper: Beijing time, 2020年1月15日 10:01:30, whatever offset the gateway wrote. */
  static String beijingTime(String paidAt) {
    if (paidAt == null) {
      return "";
    }
    try {
      return OffsetDateTime.parse(paidAt).atZoneSameInstant(ZoneId.of("Asia/Shanghai")).format(PAPER);
    } catch (DateTimeParseException e) {
      return paidAt;
    }
  }
}
