package cn.liangxian.sandbox.wechat;

import cn.liangxian.sandbox.ledger.Refund;
import cn.liangxian.sandbox.ledger.Trade;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** The JSON WeChat Pay answers and notifies about a trade and a refund. */
public final class WechatResources {
  private static final ZoneId CHINA = ZoneId.of("Asia/Shanghai");
  private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

  private WechatResources() {}

  /** A trade as a query answers it and a payment notification carries it (any channel's trade, for tests). */
  public static JsonObject transaction(Trade t) {
    if (t.via() != null) {
      return partnerTransaction(t);
    }
    JsonObject r = new JsonObject().put("appid", t.appId()).put("mchid", t.merchantId()).put("out_trade_no", t.outTradeNo())
        .put("trade_type", t.tradeType()).put("trade_state", t.state()).put("trade_state_desc", t.state())
        .put("amount", new JsonObject().put("total", t.totalFen()).put("payer_total", t.paidAt() == null ? 0 : t.totalFen())
            .put("currency", t.currency()).put("payer_currency", t.currency()));
    if (t.paidAt() != null) {
      r.put("transaction_id", t.tradeNo()).put("bank_type", "OTHERS")
          .put("success_time", RFC3339.format(t.paidAt().atZone(CHINA).toOffsetDateTime()))
          .put("payer", new JsonObject().put("openid", t.payer()));
    }
    return r;
  }

  /** A sub-merchant's trade as its service provider sees it: sp_appid, sp_mchid, sub_mchid, payer.sp_openid. */
  static JsonObject partnerTransaction(Trade t) {
    JsonObject r = new JsonObject().put("sp_appid", t.appId()).put("sp_mchid", t.via()).put("sub_mchid", t.merchantId())
        .put("out_trade_no", t.outTradeNo()).put("trade_type", t.tradeType()).put("trade_state", t.state())
        .put("trade_state_desc", t.state())
        .put("amount", new JsonObject().put("total", t.totalFen()).put("payer_total", t.paidAt() == null ? 0 : t.totalFen())
            .put("currency", t.currency()).put("payer_currency", t.currency()));
    if (t.paidAt() != null) {
      r.put("transaction_id", t.tradeNo()).put("bank_type", "OTHERS")
          .put("success_time", RFC3339.format(t.paidAt().atZone(CHINA).toOffsetDateTime()))
          .put("payer", new JsonObject().put("sp_openid", t.payer()));
    }
    return r;
  }

  static JsonObject refund(Trade t, Refund r, String status) {
    return new JsonObject().put("refund_id", r.refundId()).put("out_refund_no", r.outRefundNo())
        .put("transaction_id", t.tradeNo()).put("out_trade_no", t.outTradeNo()).put("channel", "ORIGINAL")
        .put("user_received_account", "支付用户零钱").put("status", status)
        .put("amount", new JsonObject().put("total", t.totalFen()).put("refund", r.fen()).put("payer_total", t.totalFen())
            .put("payer_refund", r.fen()).put("currency", "CNY"));
  }

  static String createTime(Instant at) {
    return RFC3339.format(at.atZone(CHINA).toOffsetDateTime());
  }
}
