package cn.liangxian.sandbox.wechat;

import cn.liangxian.channel.Money;
import cn.liangxian.sandbox.fault.Faults;
import cn.liangxian.sandbox.ledger.Ledger;
import cn.liangxian.sandbox.ledger.Refund;
import cn.liangxian.sandbox.ledger.Trade;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.function.Supplier;

/** A merchant's trade bill of a day: where to download it, and the file, in WeChat Pay's back-quoted CSV. */
final class WechatBill {
  private static final ZoneId CHINA = ZoneId.of("Asia/Shanghai");
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private final Ledger ledger;
  private final WechatSigning signing;
  private final Supplier<String> baseUrl;
  private final Faults faults;

  WechatBill(Ledger ledger, WechatSigning signing, Supplier<String> baseUrl, Faults faults) {
    this.ledger = ledger;
    this.signing = signing;
    this.baseUrl = baseUrl;
    this.faults = faults;
  }

  /** {@code GET /v3/bill/tradebill}: the file's SHA-1 and download URL. */
  void tradeBill(RoutingContext ctx) {
    WechatMerchant m = signing.authenticated(ctx);
    if (m == null) {
      return;
    }
    LocalDate date;
    try {
      date = LocalDate.parse(ctx.queryParams().get("bill_date"));
    } catch (RuntimeException e) {
      signing.error(ctx, m, 400, "PARAM_ERROR", "bill_date");
      return;
    }
    // a service provider asks for one sub-merchant's bill
    String subMchid = ctx.queryParams().get("sub_mchid");
    if (faults.wechatBillNotOut(subMchid != null ? subMchid : m.mchid(), date)) {
      signing.error(ctx, m, 400, "STATEMENT_CREATING", "账单生成中");
      return;
    }
    String text = text(subMchid != null ? subMchid : m.mchid(), date);
    // as WeChat Pay: a day without a trade has no bill at all (its header, then at once the totals)
    if (text.lines().skip(1).findFirst().map(l -> l.startsWith("总交易单数")).orElse(true)) {
      signing.error(ctx, m, 400, "NO_STATEMENT_EXIST", "账单文件不存在");
      return;
    }
    byte[] file = text.getBytes(StandardCharsets.UTF_8);
    signing.answer(ctx, m, 200, new JsonObject().put("hash_type", "SHA1").put("hash_value", sha1(file))
        .put("download_url", baseUrl.get() + "/v3/billdownload/file?token=" + m.mchid() + "_" + date
            + (subMchid == null ? "" : "_" + subMchid)));
  }

  /** {@code GET /v3/billdownload/file}: the bill itself. */
  void file(RoutingContext ctx) {
    WechatMerchant m = signing.authenticated(ctx);
    if (m == null) {
      return;
    }
    String token = ctx.queryParams().get("token");
    String prefix = m.mchid() + "_";
    if (token == null || !token.startsWith(prefix)) {
      signing.error(ctx, m, 400, "PARAM_ERROR", "token");
      return;
    }
    String[] rest = token.substring(prefix.length()).split("_");
    ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8")
        .end(text(rest.length > 1 ? rest[1] : m.mchid(), LocalDate.parse(rest[0])));
  }

  private String text(String mchid, LocalDate date) {
    return faults.wechatBill(bill(mchid, date));
  }

  private String bill(String mchid, LocalDate date) {
    StringBuilder sb = new StringBuilder("交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,"
        + "货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,"
        + "申请退款金额,费率备注\n");
    long count = 0;
    long settled = 0;
    long refunded = 0;
    for (Trade t : ledger.trades()) {
      if (t.channel() != Trade.Channel.WECHAT || !t.merchantId().equals(mchid) || t.paidAt() == null) {
        continue;
      }
      if (t.paidAt().atZone(CHINA).toLocalDate().equals(date)) {
        sb.append(row(TIME.format(t.paidAt().atZone(CHINA)), t.appId(), mchid, "0", "", t.tradeNo(), t.outTradeNo(), t.payer(),
            t.tradeType(), "SUCCESS", "OTHERS", t.currency(), Money.fenToYuan(t.totalFen()), "0.00", "0", "0", "0.00", "0.00", "", "",
            t.description(), "", "0.00000", "0.00%", Money.fenToYuan(t.totalFen()), "0.00", ""));
        count++;
        settled += t.totalFen();
      }
      for (Refund r : t.refunds()) {
        if (r.at().atZone(CHINA).toLocalDate().equals(date)) {
          sb.append(row(TIME.format(r.at().atZone(CHINA)), t.appId(), mchid, "0", "", t.tradeNo(), t.outTradeNo(), t.payer(),
              t.tradeType(), "REFUND", "OTHERS", "CNY", "0.00", "0.00", r.refundId(), r.outRefundNo(), Money.fenToYuan(r.fen()),
              "0.00", "ORIGINAL", "SUCCESS", t.description(), "", "0.00000", "0.00%", Money.fenToYuan(t.totalFen()),
              Money.fenToYuan(r.fen()), ""));
          count++;
          refunded += r.fen();
        }
      }
    }
    sb.append("总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\n");
    sb.append(row(Long.toString(count), Money.fenToYuan(settled), Money.fenToYuan(refunded), "0.00", "0.00000",
        Money.fenToYuan(settled), Money.fenToYuan(refunded)));
    return sb.toString();
  }

  private static String row(String... fields) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < fields.length; i++) {
      sb.append(i == 0 ? "`" : ",`").append(fields[i]);
    }
    return sb.append('\n').toString();
  }

  private static String sha1(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
