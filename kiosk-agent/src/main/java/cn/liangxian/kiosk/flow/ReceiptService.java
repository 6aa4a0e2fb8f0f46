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
import java.util.List;

/**
 * Prints a paid order's receipt at most once: {@code PRINTING} is journaled before the first byte reaches the
 * printer, so a kiosk killed mid-print never prints the same receipt again by itself (the resident or an
 * operator asks for a reprint). A print that fails is journaled as such and may be printed again.
 */
public final class ReceiptService {

  private final Vertx vertx;
  private final GatewayClient gateway;
  private final ReceiptPrinter printer;
  private final OrderJournal journal;
  private final String verifyBaseUrl;

  public ReceiptService(Vertx vertx, GatewayClient gateway, ReceiptPrinter printer, OrderJournal journal, String verifyBaseUrl) {
    this.vertx = vertx;
    this.gateway = gateway;
    this.printer = printer;
    this.journal = journal;
    this.verifyBaseUrl = verifyBaseUrl.replaceAll("/$", "");
  }

  /** Fetches the receipt and prints it; fails with a {@link PrintException} whose message may be shown. */
  public Future<Void> print(String key, String orderId) {
    return gateway.receipt(orderId).compose(r -> vertx.executeBlocking(() -> {
      Receipt receipt = toReceipt(r);
      journal.step(key, OrderJournal.Step.PRINTING);
      try {
        printer.print(receipt);
      } catch (PrintException e) {
        journal.step(key, OrderJournal.Step.PRINT_FAILED);
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
    }
    lines.add("合计: " + Money.yuan(r.getLong("totalFen", 0L)) + "元");
    lines.add("支付方式: " + ("alipay".equals(r.getString("channel")) ? "支付宝" : "微信支付"));
    lines.add("交易号: " + r.getString("transactionId", ""));
    lines.add("时间: " + r.getString("paidAt", ""));
    String no = r.getString("receiptNo", r.getString("orderId"));
    return new Receipt(no, r.getString("title", "城乡居民基本医疗/养老保险缴费凭证"), lines,
        verifyBaseUrl + "/" + r.getString("orderId"));
  }
}
