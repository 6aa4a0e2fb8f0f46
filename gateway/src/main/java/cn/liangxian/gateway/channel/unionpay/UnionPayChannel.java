package cn.liangxian.gateway.channel.unionpay;

import cn.liangxian.gateway.channel.ChannelException;
import cn.liangxian.gateway.channel.PaymentChannel;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * UnionPay QR (云闪付 and every UnionPay app, the acquirer-side 主扫 flow) as a {@link PaymentChannel}: the
 * gateway asks for a QR code, the resident scans it, UnionPay notifies. UnionPay knows a trade by orderId
 * and txnTime, so every request sent is recorded ({@link UnionPayRequests}) for any instance to ask about
 * later. A UnionPay QR code has no close: it stops taking payments at its {@code payTimeout} (the order's
 * expiry), so a close before then is refused and the sweep tries again once the code is dead.
 */
public final class UnionPayChannel implements PaymentChannel {
  private final Vertx vertx;
  private final UnionPayClient client;
  private final UnionPayRequests requests;
  private final Supplier<String> notifyUrl;
  private final Clock clock;

  public UnionPayChannel(Vertx vertx, UnionPayClient client, UnionPayRequests requests, Supplier<String> notifyUrl, Clock clock) {
    this.vertx = vertx;
    this.client = client;
    this.requests = requests;
    this.notifyUrl = notifyUrl;
    this.clock = clock;
  }

  public UnionPayClient client() {
    return client;
  }

  public UnionPayRequests requests() {
    return requests;
  }

  @Override
  public String name() {
    return "unionpay";
  }

  @Override
  public Future<JsonObject> prepay(Prepay p) {
    if (!p.mode().equals("qr")) {
      return Future.failedFuture(new ChannelException("UNSUPPORTED_MODE", "UnionPay is offered as a QR code only", 0, false));
    }
    OffsetDateTime expires = p.expiresAt() == null ? OffsetDateTime.now(clock).plusMinutes(15) : p.expiresAt();
    UnionPayRequests.Sent sent = new UnionPayRequests.Sent(p.outTradeNo(), "pay", p.outTradeNo(), null, now(),
        UnionPayClient.TXN_TIME.format(expires.atZoneSameInstant(UnionPayClient.CHINA)));
    return requests.record(sent).compose(s -> client.qrCode(s.orderId(), p.totalFen(), p.description(), notifyUrl.get(),
        s.txnTime(), s.payTimeout())).map(qr -> new JsonObject().put("codeUrl", qr));
  }

  @Override
  public String merchant() {
    return client.merchant().merId();
  }

  @Override
  public Future<Trade> query(String outTradeNo) {
    return requests.get(outTradeNo).compose(s -> s == null ? Future.succeededFuture(new Trade(Trade.State.NOT_FOUND, null, 0))
        : client.query(s.orderId(), s.txnTime()).map(t -> {
          if (!t.found()) {
            // UnionPay knows a code only once it is scanned: until its payTimeout an unknown one may still be paid
            return new Trade(stillPayable(s) ? Trade.State.NOT_PAID : Trade.State.NOT_FOUND, null, 0);
          }
          java.time.LocalDate today = LocalDateTime.ofInstant(clock.instant(), UnionPayClient.CHINA).toLocalDate();
          // a success with defects (A6) is paid as 00 is: taken as anything else, the order would be released unpaid
          return new Trade(t.succeeded() ? Trade.State.PAID : Trade.State.NOT_PAID, t.queryId(), t.txnAmt(),
              cn.liangxian.gateway.channel.ChannelDays.ofMonthDay(t.settleDate(), today),
              cn.liangxian.gateway.channel.ChannelDays.ofTraceTime(t.traceTime(), today));
        }));
  }

  @Override
  public Future<Void> close(String outTradeNo) {
    return requests.get(outTradeNo).compose(s -> {
      if (s == null) {
        return Future.succeededFuture(); // never asked for a code: nothing can be paid
      }
      return client.query(s.orderId(), s.txnTime()).compose(t -> {
        if (t.succeeded()) {
          return Future.failedFuture(new ChannelException("TRADE_PAID", "the QR code was paid", 200, false));
        }
        if (t.found() && processing(t.origRespCode())) {
          // scanned and paid in time, the issuer's answer still awaited: it may yet succeed, whatever the payTimeout
          return Future.failedFuture(new ChannelException("TRADE_PROCESSING",
              "the trade is still being processed (origRespCode " + t.origRespCode() + ")", 0, true));
        }
        if (stillPayable(s)) {
          // nothing being paid now (processing is answered above): it only may be, until its time is up
          return Future.failedFuture(new ChannelException(ChannelException.STILL_PAYABLE,
              "a UnionPay QR code cannot be closed before its payTimeout " + s.payTimeout(), 0, true));
        }
        return Future.succeededFuture();
      });
    });
  }

  /** origRespCode 03, 04 or 05: UnionPay has the transaction and its outcome is not known yet. */
  static boolean processing(String origRespCode) {
    return switch (origRespCode == null ? "" : origRespCode) {
      case "03", "04", "05" -> true;
      default -> false;
    };
  }

  @Override
  public Future<RefundState> refund(String outTradeNo, String outRefundNo, long refundFen, long totalFen, String reason) {
    return requests.get(outTradeNo).compose(s -> s == null
            ? Future.failedFuture(new ChannelException("UNIONPAY_34", "no such trade", 0, false))
            : client.query(s.orderId(), s.txnTime()))
        .compose(t -> {
          if (!t.succeeded()) {
            return Future.failedFuture(new ChannelException("TRADE_NOT_PAID", "only a paid trade is refunded", 200, true));
          }
          String orderId = UnionPayRequests.refundOrderId(outRefundNo);
          return requests.record(new UnionPayRequests.Sent(orderId, "refund", outTradeNo, outRefundNo, now(), null))
              // confirmed by UnionPay's notification, or by the sweeper's query
              .compose(r -> client.refund(r.orderId(), r.txnTime(), t.queryId(), refundFen, notifyUrl.get()))
              .map(RefundState.PROCESSING);
        });
  }

  @Override
  public Future<RefundAnswer> queryRefund(String outTradeNo, String outRefundNo) {
    return requests.get(UnionPayRequests.refundOrderId(outRefundNo)).compose(s -> s == null
        ? Future.succeededFuture(RefundAnswer.of(RefundState.NOT_FOUND))
        : client.query(s.orderId(), s.txnTime()).map(t -> {
          if (!t.found()) {
            return RefundAnswer.of(RefundState.NOT_FOUND);
          }
          if (t.succeeded()) {
            return new RefundAnswer(RefundState.SUCCESS, t.txnAmt() > 0 ? t.txnAmt() : -1); // 0: txnAmt not given
          }
          return RefundAnswer.of(processing(t.origRespCode()) ? RefundState.PROCESSING : RefundState.FAILED);
        }));
  }

  /**
   * One line of the settlement file in our terms: a payment (ref: queryId) or a refund (ref: out_refund_no);
   * {@code problem} says why a line cannot be read as either, else null; {@code paidAt} when a payment was made, as the file
   * says (null where it does not, and for refunds).
   */
  public record BillLine(boolean refund, String outTradeNo, String ref, long fen, String problem, OffsetDateTime paidAt) {
    public BillLine(boolean refund, String outTradeNo, String ref, long fen, String problem) {
      this(refund, outTradeNo, ref, fen, problem, null);
    }
  }

  /**
   * The settlement file of a day, refunds named by our out_refund_no. Parsing the file, and reading its lines into ours,
   * go through a lot of lines on a busy day: a worker's, not the event loop's.
   */
  public Future<List<BillLine>> bill(LocalDate day) {
    return client.settlementZip(day).compose(zip -> vertx.executeBlocking(() -> Settlement.of(SettlementFile.parseZip(zip)), false))
        .compose(file -> requests.refunds(file.refundIds()).compose(refunds -> requests.paymentOrders(file.paidElsewhere())
            .compose(booked -> vertx.executeBlocking(() -> file.lines(refunds, booked, day), false))));
  }

  /**
   * A settlement file as read, with what its refunds need looked up: the orderIds of its refunds, and the payments they
   * give back (by queryId) that it does not list itself.
   */
  private record Settlement(SettlementFile file, Map<String, String> paidIn, List<String> refundIds, List<String> paidElsewhere) {
    static Settlement of(SettlementFile file) {
      List<String> refundIds = file.rows().stream().filter(SettlementFile.Row::refund).map(SettlementFile.Row::orderId).toList();
      // the payment a refund gives back, by its queryId: in the file (paid the same day), else as booked here
      Map<String, String> paidIn = new HashMap<>();
      file.rows().stream().filter(r -> !r.refund() && r.problem() == null && r.queryId() != null && !r.queryId().isBlank())
          .forEach(r -> paidIn.put(r.queryId(), r.orderId()));
      List<String> elsewhere = file.rows().stream().filter(r -> r.refund() && r.problem() == null && r.origQueryId() != null
          && !r.origQueryId().isBlank() && !paidIn.containsKey(r.origQueryId())).map(SettlementFile.Row::origQueryId).toList();
      return new Settlement(file, paidIn, refundIds, elsewhere);
    }

    /**
     * The lines in our terms, given the refunds we asked for (by orderId), the payments booked here (by queryId) and the
     * settlement day (the year of a line's MMddHHmmss: the one nearest it).
     */
    List<BillLine> lines(Map<String, UnionPayRequests.Sent> refunds, Map<String, String> booked, LocalDate day) {
      List<BillLine> out = new ArrayList<>();
      for (SettlementFile.Row r : file.rows()) {
        if (!r.refund() || r.problem() != null) {
          // when it was paid: a payment after 23:00 is settled the next day, and must not be dated by the file's day
          out.add(new BillLine(false, r.orderId(), r.queryId(), r.amountFen(), r.problem(),
              cn.liangxian.gateway.channel.ChannelDays.ofTraceTime(r.traceTime(), day)));
          continue;
        }
        UnionPayRequests.Sent s = refunds.get(r.orderId());
        // a refund we never asked for (made on UnionPay's merchant platform) shows under UnionPay's orderId, of the
        // order whose payment it gives back ("" when that payment is not known)
        String order = s != null ? s.outTradeNo() : r.origQueryId() == null || r.origQueryId().isBlank() ? ""
            : paidIn.getOrDefault(r.origQueryId(), booked.getOrDefault(r.origQueryId(), ""));
        out.add(new BillLine(true, order, s == null ? r.orderId() : s.outRefundNo(), r.amountFen(), null));
      }
      return out;
    }
  }

  private boolean stillPayable(UnionPayRequests.Sent s) {
    return s.payTimeout() != null && now().compareTo(s.payTimeout()) < 0;
  }

  private String now() {
    return UnionPayClient.TXN_TIME.format(LocalDateTime.ofInstant(clock.instant(), UnionPayClient.CHINA));
  }
}
