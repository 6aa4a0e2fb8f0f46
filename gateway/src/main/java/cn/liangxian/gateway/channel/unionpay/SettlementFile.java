package cn.liangxian.gateway.channel.unionpay;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * UnionPay's general transaction detail file of a settlement day ({@code INN<yyMMdd>88ZM_<merId>} in the
 * zip of fileType 00): one line per transaction, fixed-width fields each followed by one space. Read up to
 * the merchant code; amounts are fen.
 */
public record SettlementFile(List<Row> rows) {
  /** 交易代码, 代理机构, 发送机构, 系统跟踪号, 交易传输时间, 帐号, 交易金额, 商户类别, 终端类型, 查询流水号, 支付方式(旧),
   * 商户订单号, 支付卡类型, 原始交易的系统跟踪号, 原始交易日期时间, 商户手续费, 结算金额, 支付方式, 集团商户代码, 交易类型,
   * 交易子类, 业务类型, 帐号类型, 账单类型, 账单号码, 交互方式, 原交易查询流水号, 商户代码. */
  static final int[] WIDTHS = {3, 11, 11, 6, 10, 19, 12, 4, 2, 21, 2, 32, 2, 6, 10, 13, 13, 4, 15, 2, 2, 6, 2, 4, 32, 1, 21, 15};
  static final int TRACE_TIME = 4;
  static final int AMOUNT = 6;
  static final int QUERY_ID = 9;
  static final int ORDER_ID = 11;
  static final int TXN_TYPE = 19;
  static final int ORIG_QUERY_ID = 26;
  static final int MER_ID = 27;

  /**
   * @param txnType 01 a payment (消费), 04 a refund (退货), 31 a cancellation (消费撤销)
   * @param orderId the merchant's orderId of this transaction (a refund's own)
   * @param traceTime 交易传输时间 ({@code MMddHHmmss}, Beijing time): when UnionPay carried it, which for a payment after
   *     23:00 is the day before the settlement day
   */
  public record Row(String txnType, String queryId, String orderId, long amountFen, String origQueryId, String merId,
      String problem, String traceTime) {
    public Row(String txnType, String queryId, String orderId, long amountFen, String origQueryId, String merId, String problem) {
      this(txnType, queryId, orderId, amountFen, origQueryId, merId, problem, null);
    }

    public boolean refund() {
      return txnType.equals("04") || txnType.equals("31");
    }
  }

  public static SettlementFile parseZip(byte[] zip) {
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip), StandardCharsets.UTF_8)) {
      ZipEntry e;
      while ((e = in.getNextEntry()) != null) {
        if (e.getName().startsWith("INN") && e.getName().contains("ZM_")) {
          return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable settlement archive", e);
    }
    throw new IllegalArgumentException("settlement archive has no INN...ZM_ file");
  }

  public static SettlementFile parse(String text) {
    List<Row> rows = new ArrayList<>();
    int lineNo = 0;
    for (String line : text.lines().toList()) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      // one line UnionPay got wrong is reported as it is, not the whole day's file refused
      String[] f = fields(line);
      if (f == null) {
        rows.add(new Row("", "", "", 0, "", "",
            "settlement line " + lineNo + " is too short"));
        continue;
      }
      long fen = 0;
      String problem = f[TXN_TYPE].equals("01") || f[TXN_TYPE].equals("04") || f[TXN_TYPE].equals("31") ? null
          : "settlement line " + lineNo + ": transaction code '" + f[TXN_TYPE] + "' is neither a payment nor a refund";
      try {
        fen = Long.parseLong(f[AMOUNT]);
      } catch (NumberFormatException e) {
        problem = "settlement line " + lineNo + ": amount '" + f[AMOUNT] + "' is not a number";
      }
      rows.add(new Row(f[TXN_TYPE], f[QUERY_ID], f[ORDER_ID], fen, f[ORIG_QUERY_ID], f[MER_ID], problem, f[TRACE_TIME]));
    }
    return new SettlementFile(rows);
  }

  /** The line's fields, or null where it is too short to hold them. */
  private static String[] fields(String line) {
    String[] out = new String[WIDTHS.length];
    int at = 0;
    for (int i = 0; i < WIDTHS.length; i++) {
      if (at + WIDTHS[i] > line.length()) {
        return null;
      }
      out[i] = line.substring(at, at + WIDTHS[i]).strip();
      at += WIDTHS[i] + 1;
    }
    return out;
  }
}
