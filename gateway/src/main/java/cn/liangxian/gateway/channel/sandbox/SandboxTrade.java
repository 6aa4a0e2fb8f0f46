package cn.liangxian.gateway.channel.sandbox;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A trade the sandbox holds, as the channel would. Guarded by the sandbox's lock. */
final class SandboxTrade {
  enum Channel { WECHAT, ALIPAY }

  final Channel channel;
  final String merchantId;
  final String appId;
  final String outTradeNo;
  final long totalFen;
  final String description;
  final String notifyUrl;
  final String tradeType;
  final String tradeNo;
  final Instant createdAt;
  String state; // WeChat: NOTPAY SUCCESS CLOSED REFUND; Alipay: WAIT_BUYER_PAY TRADE_SUCCESS TRADE_CLOSED
  Instant paidAt;
  String payer;
  final List<Refund> refunds = new ArrayList<>();

  record Refund(String outRefundNo, String refundId, long fen, String reason, Instant at) {}

  SandboxTrade(Channel channel, String merchantId, String appId, String outTradeNo, long totalFen, String description,
      String notifyUrl, String tradeType, String tradeNo, Instant createdAt, String state) {
    this.channel = channel;
    this.merchantId = merchantId;
    this.appId = appId;
    this.outTradeNo = outTradeNo;
    this.totalFen = totalFen;
    this.description = description;
    this.notifyUrl = notifyUrl;
    this.tradeType = tradeType;
    this.tradeNo = tradeNo;
    this.createdAt = createdAt;
    this.state = state;
  }

  long refundedFen() {
    return refunds.stream().mapToLong(Refund::fen).sum();
  }
}
