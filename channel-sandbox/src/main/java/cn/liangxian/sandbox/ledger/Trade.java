package cn.liangxian.sandbox.ledger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** A trade the sandbox holds, as the channel would. Lives on the sandbox's context, as does the {@link Ledger}. */
public final class Trade {
  /** Which channel holds the trade. */
  public enum Channel { WECHAT, ALIPAY, UNIONPAY }

  private final Channel channel;
  private final String merchantId;
  private final String appId;
  private final String outTradeNo;
  private long totalFen;
  private final String description;
  private final String notifyUrl;
  private final String tradeType;
  private final String tradeNo;
  private final Instant createdAt;
  private String state; // WeChat and UnionPay: NOTPAY SUCCESS CLOSED REFUND; Alipay: WAIT_BUYER_PAY TRADE_SUCCESS TRADE_CLOSED
  private Instant payBy;
  private Instant paidAt;
  private String payer;
  private String buyer;
  private String via;
  private String currency = "CNY";
  private boolean payerAccountClosed;
  private boolean defective;
  private boolean processing;
  private volatile boolean scanned = true;
  private final List<Refund> refunds = new ArrayList<>();

  public Trade(Channel channel, String merchantId, String appId, String outTradeNo, long totalFen, String description,
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

  public Channel channel() {
    return channel;
  }

  public String merchantId() {
    return merchantId;
  }

  public String appId() {
    return appId;
  }

  public String outTradeNo() {
    return outTradeNo;
  }

  public long totalFen() {
    return totalFen;
  }

  /** The channel settles the trade at another amount than it was opened with (what a merchant must never keep). */
  public void settleAt(long fen) {
    this.totalFen = fen;
  }

  /** Whether the payer's account is closed since: WeChat Pay cannot refund the trade the way it came. */
  public boolean payerAccountClosed() {
    return payerAccountClosed;
  }

  public void payerAccountClosed(boolean closed) {
    this.payerAccountClosed = closed;
  }

  /** The currency the trade is paid in (ISO 4217 letters): CNY, unless the channel took another (never fen to a merchant). */
  public String currency() {
    return currency;
  }

  public void currency(String currency) {
    this.currency = currency;
  }

  /**
   * UnionPay carried the payment without the issuer's answer: its notification and query call it a success with
   * defects (有缺陷的成功, respCode A6), which settles as any other.
   */
  public boolean defective() {
    return defective;
  }

  public void defective(boolean defective) {
    this.defective = defective;
  }

  /**
   * UnionPay: the code was scanned and paid, but the issuer has not answered yet; until it does, the query says
   * origRespCode 05 (交易处理中), whatever the code's own payTimeout.
   */
  public boolean processing() {
    return processing && paidAt == null;
  }

  public void processing(boolean processing) {
    this.processing = processing;
  }

  /**
   * An Alipay QR code's trade: Alipay opens it only when the code is scanned, so until then its query, close and refund
   * answer that there is no such trade, while the code can still be scanned and paid until its {@code time_expire}.
   */
  public Trade awaitingScan() {
    this.scanned = false;
    return this;
  }

  /** The code was scanned (its pay page opened, or paid): the channel has the trade from now on. */
  public void scan() {
    this.scanned = true;
  }

  /** False for an Alipay QR code's trade nobody has scanned yet ({@link #awaitingScan}). */
  public boolean scanned() {
    return scanned;
  }

  public String description() {
    return description;
  }

  public String notifyUrl() {
    return notifyUrl;
  }

  public String tradeType() {
    return tradeType;
  }

  public String tradeNo() {
    return tradeNo;
  }

  public Instant createdAt() {
    return createdAt;
  }

  public String state() {
    return state;
  }

  public void state(String state) {
    this.state = state;
  }

  /** After this the code takes no payment (UnionPay's payTimeout); null: no limit of its own. */
  public Instant payBy() {
    return payBy;
  }

  public void payBy(Instant payBy) {
    this.payBy = payBy;
  }

  /** The channel's name as the merchant's API says it. */
  public String channelName() {
    return switch (channel) {
      case WECHAT -> "wechat";
      case ALIPAY -> "alipay";
      case UNIONPAY -> "unionpay";
    };
  }

  /** When the resident paid; null while unpaid. */
  public Instant paidAt() {
    return paidAt;
  }

  /** The payer's id on the channel (WeChat openid, Alipay user id); null while unpaid. */
  public String payer() {
    return payer;
  }

  /** The one buyer a mini-program trade was made for (JSAPI payer.openid, Alipay buyer_id): only they can pay it. */
  public Trade buyer(String buyer) {
    this.buyer = buyer;
    return this;
  }

  String buyer() {
    return buyer;
  }

  /** The ISV whose app opened the trade for the merchant's app ({@code app_auth_token}); null when the merchant did. */
  public Trade via(String isvAppId) {
    this.via = isvAppId;
    return this;
  }

  public String via() {
    return via;
  }

  void paid(String state, Instant at, String payer) {
    this.state = state;
    this.paidAt = at;
    this.payer = payer;
  }

  public List<Refund> refunds() {
    return Collections.unmodifiableList(refunds);
  }

  public Optional<Refund> refund(String outRefundNo) {
    return refunds.stream().filter(r -> r.outRefundNo().equals(outRefundNo)).findFirst();
  }

  /**
   * A refund of the trade, through the API or on the merchant platform alike; the trade's state then is what its channel
   * says after one: WeChat Pay's REFUND (转入退款) after any refund, Alipay's TRADE_CLOSED once refunded in full
   * (交易完成全额退款; partly, it stays TRADE_SUCCESS), UnionPay's unchanged.
   */
  public void add(Refund refund) {
    refunds.add(refund);
    switch (channel) {
      case WECHAT -> state("REFUND");
      case ALIPAY -> {
        if (refundedFen() == totalFen()) {
          state("TRADE_CLOSED");
        }
      }
      case UNIONPAY -> { }
    }
  }

  public long refundedFen() {
    return refunds.stream().mapToLong(Refund::fen).sum();
  }
}
