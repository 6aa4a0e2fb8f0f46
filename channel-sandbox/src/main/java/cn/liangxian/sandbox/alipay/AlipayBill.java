package cn.liangxian.sandbox.alipay;

import cn.liangxian.channel.Money;
import cn.liangxian.sandbox.ledger.Ledger;
import cn.liangxian.sandbox.ledger.Refund;
import cn.liangxian.sandbox.ledger.Trade;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** An app's business detail bill (业务明细) of a day, as Alipay serves it: a GBK CSV in a zip. */
final class AlipayBill {
  private static final ZoneId CHINA = ZoneId.of("Asia/Shanghai");
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final Charset GBK = Charset.forName("GBK");

  private final Ledger ledger;

  AlipayBill(Ledger ledger) {
    this.ledger = ledger;
  }

  /** {@code GET /sandbox/alipay/bill?app_id=..&bill_date=..}: where the download URL points. */
  void file(RoutingContext ctx) {
    String appId = ctx.queryParams().get("app_id");
    LocalDate date;
    try {
      date = LocalDate.parse(ctx.queryParams().get("bill_date"));
    } catch (RuntimeException e) {
      ctx.response().setStatusCode(400).end();
      return;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out, GBK)) {
      zip.putNextEntry(new ZipEntry(appId + "_" + date.toString().replace("-", "") + "_业务明细.csv"));
      zip.write(csv(appId, date).replace("\t", "").getBytes(GBK));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ctx.response().putHeader("Content-Type", "application/zip").end(Buffer.buffer(out.toByteArray()));
  }

  private String csv(String appId, LocalDate date) {
    StringBuilder csv = new StringBuilder("#支付宝业务明细查询\n#账号：[" + appId + "]\n"
        + "#-----------------------------------------业务明细列表----------------------------------------\n"
        + "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,"
        + "支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,"
        + "退款批次号/请求号,服务费（元）,分润（元）,备注\n");
    for (Trade t : ledger.trades()) {
      if (t.channel() != Trade.Channel.ALIPAY || !t.appId().equals(appId) || t.paidAt() == null) {
        continue;
      }
      if (t.paidAt().atZone(CHINA).toLocalDate().equals(date)) {
        csv.append(String.join(",", t.tradeNo() + "\t", t.outTradeNo() + "\t", "交易", t.description(),
            TIME.format(t.createdAt().atZone(CHINA)), TIME.format(t.paidAt().atZone(CHINA)), "", "", "", "",
            "sandbox", Money.fenToYuan(t.totalFen()), Money.fenToYuan(t.totalFen()), "0.00", "0.00", "0.00", "0.00", "0.00", "",
            "0.00", "0.00", "", "0.00", "0.00", "")).append('\n');
      }
      for (Refund r : t.refunds()) {
        if (r.at().atZone(CHINA).toLocalDate().equals(date)) {
          csv.append(String.join(",", t.tradeNo() + "\t", t.outTradeNo() + "\t", "退款", t.description(),
              TIME.format(r.at().atZone(CHINA)), TIME.format(r.at().atZone(CHINA)), "", "", "", "", "sandbox",
              "-" + Money.fenToYuan(r.fen()), "-" + Money.fenToYuan(r.fen()), "0.00", "0.00", "0.00", "0.00", "0.00", "",
              "0.00", "0.00", r.outRefundNo(), "0.00", "0.00", "")).append('\n');
        }
      }
    }
    return csv.append("#-----------------------------------------业务明细列表结束------------------------------------\n")
        .toString();
  }
}
