package cn.liangxian.gateway.receipt;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The verification page's HTML: one phone-sized page, no script, nothing fetched from elsewhere. */
final class ReceiptHtml {
  private ReceiptHtml() {}

  private static final String HEAD = "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
      + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>缴费凭证核验</title><style>"
      + "body{margin:0;font-family:'Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif;background:#ededed;color:#111;font-size:19px}"
      + "header{background:#07a35a;color:#fff;padding:14px 16px;font-size:18px;text-align:center}"
      + ".state{margin:16px;padding:18px;border-radius:10px;background:#fff;text-align:center;font-size:22px;font-weight:bold}"
      + ".ok{color:#07a35a}.bad{color:#d4380d}.warn{color:#d46b08}.cells{background:#fff;margin:0 0 12px}"
      + ".sub{font-size:16px;font-weight:normal;color:#333;margin-top:8px}.kept span:last-child{font-weight:bold}"
      + ".cell{display:flex;justify-content:space-between;gap:12px;padding:13px 16px;border-bottom:1px solid #eee}"
      + ".cell span:first-child{color:#666;white-space:nowrap}.cell span:last-child{text-align:right;overflow-wrap:anywhere}"
      + "h2{font-size:18px;color:#444;font-weight:normal;margin:16px 16px 6px}"
      // a sum and its 元 never parted; a long number on a line of its own below its name, read in one piece
      + ".n{white-space:nowrap}.stack,.item{flex-direction:column;gap:4px}.stack span:last-child,.item span:last-child{text-align:left}"
      + ".stack span:last-child{font-family:'DejaVu Sans Mono',monospace;font-size:16px;word-break:break-all}"
      + ".item span:first-child{color:#111}</style></head><body>";

  static String page(JsonObject r) {
    StringBuilder b = new StringBuilder(HEAD).append("<header>城乡居民医疗/养老保险 缴费凭证核验</header>");
    String status = r.getString("status", Receipts.PAID);
    b.append(switch (status) {
      case Receipts.REFUNDED -> "<div class=\"state bad\" id=\"state\">✗ 已全额退款，凭证作废";
      case Receipts.PARTLY_REFUNDED -> "<div class=\"state warn\" id=\"state\">凭证有效，部分退款"
          + "<div class=\"sub\">部分款项已退回，其余缴费有效，详见下方明细</div>";
      default -> "<div class=\"state ok\" id=\"state\">✓ 凭证有效，已缴费";
    });
    long refunding = r.getLong("refundingFen", 0L);
    if (refunding > 0) {
      b.append("<div class=\"sub\">另有 ").append(yuan(refunding)).append("元 退款处理中，尚未退回</div>");
    }
    b.append("</div><div class=\"cells\">");
    number(b, "凭证号", r.getString("receiptNo"));
    cell(b, "地区", r.getString("region"));
    cell(b, "缴费年度", String.join("、", r.getJsonArray("benefitYears").stream().map(y -> y + "年").toList()));
    cell(b, "缴费时间", r.getString("paidAtText"));
    cell(b, "支付方式", r.getString("channelName"));
    number(b, "交易号", r.getString("transactionId"));
    long refunded = r.getLong("refundedFen", 0L);
    if (refunded > 0) {
      // what was kept, beside what was paid and what went back
      cell(b, "原缴合计", yuan(r.getLong("totalFen")) + "元");
      cell(b, "已退款", yuan(refunded) + "元");
      b.append("<div class=\"cell kept\" id=\"kept\"><span>退款后实缴</span><span>").append(yuan(r.getLong("keptFen")))
          .append("元</span></div>");
    } else {
      cell(b, "合计", yuan(r.getLong("totalFen")) + "元");
    }
    if (refunding > 0) {
      cell(b, "退款处理中", yuan(refunding) + "元（尚未退回，未计入已退款）");
    }
    b.append("</div><h2>缴费明细</h2><div class=\"cells\">");
    for (Object o : r.getJsonArray("items")) {
      JsonObject i = (JsonObject) o;
      String ins = "pension".equals(i.getString("insurance")) ? "养老保险" : "医疗保险";
      String tier = i.getInteger("tier") != null ? " " + i.getInteger("tier") + "元档" : "";
      StringBuilder amount = new StringBuilder("个人缴 <span class=\"n\">").append(yuan(i.getLong("personalFen"))).append("元</span>");
      if (i.getLong("subsidyFen", 0L) > 0) {
        amount.append("，政府缴费补贴 <span class=\"n\">").append(yuan(i.getLong("subsidyFen"))).append("元</span>");
      }
      refunds(amount, i);
      // one person's item: who and what on top, the sums below, each with its 元
      b.append("<div class=\"cell item\"><span>").append(esc(i.getString("name"))).append(" ").append(esc(i.getString("idNumber")))
          .append("<br>").append(i.getInteger("year")).append("年").append(ins).append(tier).append("</span><span>")
          .append(amount).append("</span></div>");
    }
    return b.append("</div></body></html>").toString();
  }

  /** An item's refunds: marked 已退款 (or 已退差额, 退款处理中), each with its amount and, once back, when. */
  private static void refunds(StringBuilder b, JsonObject i) {
    String status = i.getString("status", Receipts.PAID);
    if (status.equals(Receipts.PAID)) {
      return;
    }
    b.append("<br><b class=\"").append(status.equals(Receipts.REFUNDED) ? "bad" : "warn").append("\">")
        .append(esc(i.getString("statusText"))).append("</b>");
    for (Object o : i.getJsonArray("refunds", new JsonArray())) {
      JsonObject f = (JsonObject) o;
      boolean back = "SUCCESS".equals(f.getString("state")) || f.getBoolean("settledElsewhere", false);
      if (!back && status.equals(Receipts.REFUNDED)) {
        continue; // refunded whole since: nothing of a refund not carried out is owed
      }
      if (f.getBoolean("settledElsewhere", false)) {
        // refused by the channel, then paid back another way (a bank transfer, cash): back all the same
        b.append("<br>已退款（线下） ").append(yuan(f.getLong("amountFen"))).append("元<br>退款时间 ")
            .append(esc(f.getString("refundedAtText")));
      } else if (back) {
        b.append("<br>退回 ").append(yuan(f.getLong("amountFen"))).append("元<br>退款时间 ").append(esc(f.getString("refundedAtText")));
      } else {
        b.append("<br>申请退款 ").append(yuan(f.getLong("amountFen"))).append("元，尚未退回");
      }
    }
  }

  static String notFound() {
    return HEAD + "<header>城乡居民医疗/养老保险 缴费凭证核验</header><div class=\"state bad\" id=\"state\">"
        + "没有查到这张凭证，请核对凭证号；如有疑问请联系村（社区）协办员</div></body></html>";
  }

  /** A long number (receipt, transaction) below its name, whole, for a resident comparing it with the paper. */
  private static void number(StringBuilder b, String k, String v) {
    b.append("<div class=\"cell stack\"><span>").append(k).append("</span><span>").append(esc(v)).append("</span></div>");
  }

  private static void cell(StringBuilder b, String k, String v) {
    b.append("<div class=\"cell\"><span>").append(k).append("</span><span>").append(esc(v)).append("</span></div>");
  }

  private static String yuan(Long fen) {
    long f = fen == null ? 0 : fen;
    return f / 100 + "." + String.format("%02d", f % 100);
  }

  private static String esc(String s) {
    return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
