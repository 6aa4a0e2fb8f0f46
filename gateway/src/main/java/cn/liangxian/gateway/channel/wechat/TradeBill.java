package cn.liangxian.gateway.channel.wechat;

import cn.liangxian.channel.Money;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A WeChat Pay trade bill (交易账单): a CSV whose first line names the columns, whose data fields are
 * each prefixed with a backtick, followed by a summary header (总交易单数,...) and one summary row.
 * Amounts are yuan strings, read as exact fen.
 *
 * <p>A payment's amount is the order's (订单金额), what the resident was charged for and what a notification's
 * {@code amount.total} says, not what is settled to the merchant (应结订单金额: the order less a coupon the channel did
 * not fund, 免充值券). A refund's is the amount asked (申请退款金额), not what went back less such a coupon (退款金额).
 * Bills of merchants still on the early format have neither column: there the order's amount is 总金额 and a refund's
 * 退款金额.
 */
public record TradeBill(List<Row> rows, long totalCount, long totalSettledFen, long totalRefundFen) {

  /**
   * One trade or refund line; {@code problem} says why it cannot be read (its amounts are then 0), else null.
   *
   * @param orderFen the order's amount (订单金额, 总金额 in the early format)
   * @param settledFen what the merchant is settled (应结订单金额), less than the order's by a coupon the channel did not fund;
   *     the order's in the early format, which does not say
   * @param refundFen the refund asked (申请退款金额, 退款金额 in the early format)
   */
  public record Row(String time, String appId, String mchid, String transactionId, String outTradeNo,
      String tradeType, String tradeState, long settledFen, String refundId, String outRefundNo, long refundFen,
      String refundStatus, long orderFen, String problem) {}

  public static TradeBill parse(String text) {
    List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
    if (lines.isEmpty()) {
      throw new IllegalArgumentException("empty bill");
    }
    List<String> header = split(lines.get(0));
    Map<String, Integer> col = new java.util.HashMap<>();
    for (int i = 0; i < header.size(); i++) {
      col.put(header.get(i).strip().replace("\uFEFF", ""), i);
    }
    for (String required : List.of("交易时间", "微信订单号", "商户订单号", "交易状态")) {
      if (!col.containsKey(required)) {
        throw new IllegalArgumentException("bill header lacks " + required);
      }
    }
    // the early format (总金额) or today's (订单金额 beside 应结订单金额): one or the other, whole
    boolean early = !col.containsKey("订单金额");
    String orderColumn = early ? "总金额" : "订单金额";
    String settledColumn = early ? "总金额" : "应结订单金额";
    String refundColumn = early ? "退款金额" : "申请退款金额";
    for (String required : List.of(orderColumn, settledColumn, refundColumn)) {
      if (!col.containsKey(required)) {
        throw new IllegalArgumentException("bill header lacks " + required);
      }
    }
    List<Row> rows = new ArrayList<>();
    int i = 1;
    for (; i < lines.size(); i++) {
      if (lines.get(i).startsWith("总交易单数")) {
        break;
      }
      List<String> f = split(lines.get(i));
      long settled = 0;
      long refund = 0;
      long order = 0;
      String problem = null;
      try {
        settled = fen(get(f, col, settledColumn));
        refund = fen(get(f, col, refundColumn));
        order = fen(get(f, col, orderColumn));
      } catch (IllegalArgumentException e) {
        // one line the channel got wrong is reported as it is, not the whole day's bill refused
        problem = "line " + (i + 1) + ": an amount is not yuan (" + e.getMessage() + ")";
      }
      rows.add(new Row(get(f, col, "交易时间"), get(f, col, "公众账号ID"), get(f, col, "商户号"), get(f, col, "微信订单号"),
          get(f, col, "商户订单号"), get(f, col, "交易类型"), get(f, col, "交易状态"), settled,
          get(f, col, "微信退款单号"), get(f, col, "商户退款单号"), refund, get(f, col, "退款状态"), order, problem));
    }
    if (i + 1 >= lines.size()) {
      throw new IllegalArgumentException("bill has no summary rows");
    }
    List<String> sh = split(lines.get(i));
    List<String> sv = split(lines.get(i + 1));
    Map<String, Integer> scol = new java.util.HashMap<>();
    for (int k = 0; k < sh.size(); k++) {
      scol.put(sh.get(k).strip(), k);
    }
    long count;
    try {
      count = Long.parseLong(get(sv, scol, "总交易单数"));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bill summary has no 总交易单数");
    }
    return new TradeBill(rows, count, fen(get(sv, scol, early ? "总交易额" : "应结订单总金额")),
        fen(get(sv, scol, early ? "总退款金额" : "申请退款总金额")));
  }

  private static String get(List<String> fields, Map<String, Integer> col, String name) {
    Integer i = col.get(name);
    return i == null || i >= fields.size() ? "" : fields.get(i);
  }

  private static long fen(String yuan) {
    return yuan.isEmpty() ? 0 : Money.yuanToFen(yuan);
  }

  /** Splits a line on commas and removes each field's leading backtick. */
  private static List<String> split(String line) {
    List<String> out = new ArrayList<>();
    for (String f : line.split(",", -1)) {
      String v = f.strip();
      out.add(v.startsWith("`") ? v.substring(1) : v);
    }
    return out;
  }
}
