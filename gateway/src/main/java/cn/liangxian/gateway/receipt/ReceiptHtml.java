package cn.liangxian.gateway.receipt;

import io.vertx.core.json.JsonObject;

/** The verification page's HTML: one phone-sized page, no script, nothing fetched from elsewhere. */
final class ReceiptHtml {
  private ReceiptHtml() {}

  private static final String HEAD = "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
      + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>缴费凭证核验</title><style>"
      + "body{margin:0;font-family:'Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif;background:#ededed;color:#111;font-size:17px}"
      + "header{background:#07a35a;color:#fff;padding:14px 16px;font-size:18px;text-align:center}"
      + ".state{margin:16px;padding:18px;border-radius:10px;background:#fff;text-align:center;font-size:22px;font-weight:bold}"
      + ".ok{color:#07a35a}.bad{color:#d4380d}.cells{background:#fff;margin:0 0 12px}"
      + ".cell{display:flex;justify-content:space-between;gap:12px;padding:13px 16px;border-bottom:1px solid #eee}"
      + ".cell span:first-child{color:#666;white-space:nowrap}.cell span:last-child{text-align:right;overflow-wrap:anywhere}"
      + "h2{font-size:15px;color:#666;font-weight:normal;margin:16px 16px 6px}</style></head><body>";

  static String page(JsonObject r) {
    StringBuilder b = new StringBuilder(HEAD).append("<header>城乡居民医疗/养老保险 缴费凭证核验</header>");
    boolean valid = r.getBoolean("valid", false);
    b.append("<div class=\"state ").append(valid ? "ok\" id=\"state\">✓ 凭证有效，已缴费" : "bad\" id=\"state\">此笔缴费已退款，凭证作废")
        .append("</div><div class=\"cells\">");
    cell(b, "凭证号", r.getString("receiptNo"));
    cell(b, "地区", r.getString("region"));
    cell(b, "缴费年度", String.join("、", r.getJsonArray("benefitYears").stream().map(y -> y + "年").toList()));
    cell(b, "缴费时间", r.getString("paidAtText"));
    cell(b, "支付方式", r.getString("channelName"));
    cell(b, "交易号", r.getString("transactionId"));
    cell(b, "合计", yuan(r.getLong("totalFen")) + "元");
    b.append("</div><h2>缴费明细</h2><div class=\"cells\">");
    for (Object o : r.getJsonArray("items")) {
      JsonObject i = (JsonObject) o;
      String ins = "pension".equals(i.getString("insurance")) ? "养老保险" : "医疗保险";
      String tier = i.getInteger("tier") != null ? " " + i.getInteger("tier") + "元档" : "";
      StringBuilder amount = new StringBuilder("个人缴 ").append(yuan(i.getLong("personalFen"))).append("元");
      if (i.getLong("subsidyFen", 0L) > 0) {
        amount.append("<br>政府缴费补贴 ").append(yuan(i.getLong("subsidyFen"))).append("元");
      }
      b.append("<div class=\"cell\"><span>").append(esc(i.getString("name"))).append(" ").append(esc(i.getString("idNumber")))
          .append("<br>").append(i.getInteger("year")).append("年").append(ins).append(tier).append("</span><span>")
          .append(amount).append("</span></div>");
    }
    return b.append("</div></body></html>").toString();
  }

  static String notFound() {
    return HEAD + "<header>城乡居民医疗/养老保险 缴费凭证核验</header><div class=\"state bad\" id=\"state\">"
        + "没有查到这张凭证，请核对凭证号；如有疑问请联系村（社区）协办员</div></body></html>";
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
