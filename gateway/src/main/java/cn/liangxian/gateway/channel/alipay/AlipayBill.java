package cn.liangxian.gateway.channel.alipay;

import cn.liangxian.channel.Money;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * An Alipay trade bill: the zip behind {@code bill_download_url}, whose {@code *_业务明细.csv} (GBK) has
 * {@code #} comment lines, a header row and one row per trade or refund. Amounts in yuan, read as fen.
 */
public record AlipayBill(List<Row> rows) {
  static final Charset GBK = Charset.forName("GBK");

  /**
   * @param type 业务类型: 交易 or 退款
   * @param amountFen 订单金额 (for a refund: the negative amount's absolute value)
   * @param refundRequestNo 退款批次号/请求号
   */
  public record Row(String tradeNo, String outTradeNo, String type, String finishedAt, long amountFen,
      String refundRequestNo, String problem) {
    public boolean refund() {
      return type.equals("退款");
    }
  }

  public static AlipayBill parseZip(byte[] zip) {
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip), GBK)) {
      ZipEntry e;
      while ((e = in.getNextEntry()) != null) {
        if (e.getName().endsWith(".csv") && e.getName().contains("明细") && !e.getName().contains("汇总")) {
          return parseCsv(new String(in.readAllBytes(), GBK));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable bill archive", e);
    }
    throw new IllegalArgumentException("bill archive has no 业务明细 CSV");
  }

  public static AlipayBill parseCsv(String text) {
    List<Row> rows = new ArrayList<>();
    Map<String, Integer> col = null;
    for (String line : text.lines().toList()) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      List<String> f = new ArrayList<>();
      for (String v : line.split(",", -1)) {
        f.add(v.strip());
      }
      if (col == null) {
        col = new HashMap<>();
        for (int i = 0; i < f.size(); i++) {
          col.put(f.get(i), i);
        }
        if (!col.containsKey("支付宝交易号") || !col.containsKey("商户订单号") || !col.containsKey("订单金额（元）")) {
          throw new IllegalArgumentException("bill header lacks 支付宝交易号/商户订单号/订单金额（元）");
        }
        continue;
      }
      String amount = get(f, col, "订单金额（元）");
      if (amount.startsWith("-")) {
        amount = amount.substring(1);
      }
      String type = get(f, col, "业务类型");
      long fen = 0;
      String problem = type.equals("交易") || type.equals("退款") ? null : "业务类型 '" + type + "' is neither 交易 nor 退款";
      try {
        fen = amount.isEmpty() ? 0 : Money.yuanToFen(amount);
      } catch (IllegalArgumentException e) {
        // one line the channel got wrong is reported as it is, not the whole day's bill refused
        problem = "the amount '" + amount + "' is not yuan";
      }
      rows.add(new Row(get(f, col, "支付宝交易号"), get(f, col, "商户订单号"), type, get(f, col, "完成时间"), fen,
          get(f, col, "退款批次号/请求号"), problem));
    }
    if (col == null) {
      throw new IllegalArgumentException("bill has no header row");
    }
    return new AlipayBill(rows);
  }

  private static String get(List<String> f, Map<String, Integer> col, String name) {
    Integer i = col.get(name);
    return i == null || i >= f.size() ? "" : f.get(i);
  }
}
