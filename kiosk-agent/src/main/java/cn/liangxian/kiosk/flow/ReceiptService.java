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
      }
    }, false);
  }

  /** Fetches the receipt and prints it; fails with a {@link PrintException} whose message may be shown. */
  public Future<Void> print(String key, String orderId) {
    return gateway.receipt(orderId).compose(r -> vertx.executeBlocking(() -> {
      Receipt receipt = toReceipt(r);
      try {
        printer.print(receipt, () -> journal.step(key, OrderJournal.Step.PRINTING));
      } catch (PrintException e) {
        if (!e.mayHavePrinted()) {
          journal.step(key, OrderJournal.Step.PRINT_FAILED);
        }
        // else PRINTING stands: the receipt may be on the paper, and is printed again only on request
        throw e;
      }
      journal.step(key, OrderJournal.Step.PRINTED);
      journal.closed(key, "printed");
      return null;
    }, true));
  }

  Receipt toReceipt(JsonObject r) {
    List<String> lines = new ArrayList<>();
    lines.add("地区: " + r.getString("region", ""));
    JsonArray items = r.getJsonArray("items", new JsonArray());
    for (int i = 0; i < items.size(); i++) {
      JsonObject it = items.getJsonObject(i);
      String ins = "pension".equals(it.getString("insurance")) ? "养老" : "医疗";
      String tier = it.getInteger("tier") != null ? " 档次" + it.getInteger("tier") + "元" : "";
      lines.add(it.getString("name") + " " + it.getString("idNumber"));
      lines.add("  " + it.getInteger("year") + "年 " + ins + tier + " 个人缴费 " + Money.yuan(it.getLong("personalFen", 0L)) + "元");
      if (it.getLong("subsidyFen", 0L) > 0) {
        lines.add("  政府缴费补贴 " + Money.yuan(it.getLong("subsidyFen")) + "元");
      }
      if (it.getLong("governmentFen", 0L) > 0) {
        lines.add("  财政补助 " + Money.yuan(it.getLong("governmentFen")) + "元");
      }
    }
    lines.add("合计: " + Money.yuan(r.getLong("totalFen", 0L)) + "元");
    lines.add("支付方式: " + r.getString("channelName", channelName(r.getString("channel"))));
    lines.add("交易号: " + r.getString("transactionId", ""));
    lines.add("时间: " + beijingTime(r.getString("paidAt")));
    lines.add("自助机: " + kioskId);
    String no = r.getString("receiptNo", r.getString("orderId"));
    return new Receipt(no, r.getString("title", "城乡居民基本医疗/养老保险缴费凭证"), lines, verifyBaseUrl + "/" + no);
  }

  /** The channel as residents call it, where the gateway's receipt does not name it; one not known here as it is. */
  static String channelName(String channel) {
    return switch (channel == null ? "" : channel) {
      case "wechat" -> "微信支付";
      case "alipay" -> "支付宝";
      case "unionpay" -> "云闪付（银联）";
      default -> channel == null ? "" : channel;
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
