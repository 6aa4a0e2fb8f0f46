package cn.liangxian.gateway.channel.alipay;

import cn.liangxian.channel.Money;
import cn.liangxian.channel.alipay.AlipaySignatures;
import cn.liangxian.gateway.channel.AnswerEcho;
import cn.liangxian.gateway.channel.ChannelException;
import cn.liangxian.gateway.channel.Signing;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Alipay's open API over a non-blocking Vert.x {@link WebClient}: {@code alipay.trade.create}
 * (mini-program), {@code alipay.trade.precreate} (QR), query, close, refund (idempotent on
 * {@code out_request_no}), refund query and the bill download URL. Requests are RSA2-signed; every
 * response is verified on the raw text of its {@code *_response} member.
 */
public final class AlipayClient {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AlipayClient.class);
  private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final ZoneId CHINA = cn.liangxian.gateway.channel.ChannelDays.BEIJING;

  private final Vertx vertx;
  private final WebClient http;
  private final String gatewayUrl;
  private final AlipayMerchant merchant;
  private final Clock clock;
  private final Signing signing;

  /**
   * @param vertx whose workers read the bills; @param gatewayUrl {@code https://openapi.alipay.com/gateway.do}, or the
   * sandbox's; @param signing where signatures run
   */
  public AlipayClient(Vertx vertx, WebClient http, String gatewayUrl, AlipayMerchant merchant, Clock clock, Signing signing) {
    this.vertx = vertx;
    this.http = http;
    this.signing = signing;
    this.gatewayUrl = gatewayUrl;
    this.merchant = merchant;
    this.clock = clock;
  }

  public AlipayMerchant merchant() {
    return merchant;
  }

  /** A trade as Alipay reports it; {@code tradeStatus} NOT_EXIST when it has none. */
  /** {@code paidAt}: {@code send_pay_date}, Beijing time, when paid. */
  public record Trade(String outTradeNo, String tradeNo, String tradeStatus, long totalFen, String buyerId, String paidAt) {}

  /**
   * A refund as Alipay answers it: {@code fundChanged} (the refund's answer: fund_change Y, the money went back),
   * {@code status} the refund query's refund_status (REFUND_SUCCESS, or NOT_FOUND when it names none).
   */
  public record Refund(String outTradeNo, String outRequestNo, boolean fundChanged, long refundFen, String status) {}

  /** {@code time_expire}: the absolute time past which Alipay takes no payment, Beijing time. */
  static final DateTimeFormatter TIME_EXPIRE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  /** {@code alipay.trade.precreate}: the {@code qr_code} a kiosk shows. */
  public Future<String> precreate(String outTradeNo, long totalFen, String subject, String notifyUrl, String timeoutExpress) {
    return precreate(outTradeNo, totalFen, subject, notifyUrl, timeoutExpress, null);
  }

  /**
   * {@code alipay.trade.precreate} payable until {@code timeExpire} (when not null). Alipay opens the trade of a QR
   * code only when it is scanned, and {@code timeout_express} counts from then: a code scanned after the order was
   * closed here (its trade not existing yet, so "closed") could still be paid for that long. {@code time_expire}
   * ends it at the order's own end, whenever it is scanned.
   */
  public Future<String> precreate(String outTradeNo, long totalFen, String subject, String notifyUrl, String timeoutExpress,
      java.time.OffsetDateTime timeExpire) {
    JsonObject biz = expiring(new JsonObject().put("out_trade_no", outTradeNo).put("total_amount", Money.fenToYuan(totalFen))
        .put("subject", subject).put("timeout_express", timeoutExpress), timeExpire);
    return call("alipay.trade.precreate", biz, notifyUrl).map(r -> required(r, "qr_code"));
  }

  private static JsonObject expiring(JsonObject biz, java.time.OffsetDateTime timeExpire) {
    return timeExpire == null ? biz : biz.put("time_expire", TIME_EXPIRE.format(timeExpire.atZoneSameInstant(CHINA)));
  }

  /** {@code alipay.trade.create} for a mini-program buyer: the {@code trade_no} passed to {@code my.tradePay}. */
  public Future<String> create(String outTradeNo, long totalFen, String subject, String buyerId, String notifyUrl,
      String timeoutExpress) {
    return create(outTradeNo, totalFen, subject, buyerId, notifyUrl, timeoutExpress, null);
  }

  /** {@code alipay.trade.create}, payable until {@code timeExpire} (when not null) as {@link #precreate} is. */
  public Future<String> create(String outTradeNo, long totalFen, String subject, String buyerId, String notifyUrl,
      String timeoutExpress, java.time.OffsetDateTime timeExpire) {
    JsonObject biz = expiring(new JsonObject().put("out_trade_no", outTradeNo).put("total_amount", Money.fenToYuan(totalFen))
        .put("subject", subject).put("product_code", "JSAPI_PAY").put("timeout_express", timeoutExpress), timeExpire);
    if (buyerId != null) {
      // a 2088… user id, or the open id Alipay gives apps created since 2023
      biz.put(buyerId.startsWith("2088") ? "buyer_id" : "buyer_open_id", buyerId);
    }
    return call("alipay.trade.create", biz, notifyUrl).map(r -> required(r, "trade_no"));
  }

  /**
   * {@code alipay.trade.query}; NOT_EXIST only on Alipay's signed ACQ.TRADE_NOT_EXIST, since it frees the order's items.
   * An answer naming another app or seller than ours (where it names them), or another
   * trade than the one asked about ({@link AnswerEcho}), is refused: it fails, and nothing is applied.
   */
  public Future<Trade> query(String outTradeNo) {
    return call("alipay.trade.query", new JsonObject().put("out_trade_no", outTradeNo), null)
        .map(r -> ours(r, outTradeNo))
        .map(r -> new Trade(r.getString("out_trade_no"), r.getString("trade_no"), r.getString("trade_status"),
            Money.yuanToFen(r.getString("total_amount", "0")), r.getString("buyer_user_id", r.getString("buyer_id")),
            r.getString("send_pay_date")))
        .recover(e -> e instanceof ChannelException c && c.code().equals("ACQ.TRADE_NOT_EXIST") && !c.retryable()
            ? Future.succeededFuture(new Trade(outTradeNo, null, "NOT_EXIST", 0, null, null))
            : Future.failedFuture(e));
  }

  private JsonObject ours(JsonObject r, String outTradeNo) {
    String app = r.getString("app_id");
    String seller = r.getString("seller_id");
    if (app != null && !app.equals(merchant.appId()) && !app.equals(merchant.id()) || seller != null && merchant.sellerId() != null
        && !seller.equals(merchant.sellerId())) {
      LOG.error("alipay answered a query of {} for app {} seller {}, not ours ({}): refused", outTradeNo, app, seller, merchant);
      throw new ChannelException("WRONG_SELLER", "the answer names app " + app + " and seller " + seller, 200, false);
    }
    // and about the trade asked for
    AnswerEcho.check("alipay", "out_trade_no", outTradeNo, r.getValue("out_trade_no"), true, "WRONG_ORDER");
    return r;
  }

  /**
   * {@code alipay.trade.close}: true when Alipay closed the trade, false when its signed answer says it has none
   * (ACQ.TRADE_NOT_EXIST; an answer not signed stays retryable). Alipay opens a QR code's trade only when the code is
   * scanned: a code nobody has scanned has no trade, and can still be scanned and paid until its {@code time_expire}.
   */
  public Future<Boolean> close(String outTradeNo) {
    return call("alipay.trade.close", new JsonObject().put("out_trade_no", outTradeNo), null).map(true)
        .recover(e -> e instanceof ChannelException c && c.code().equals("ACQ.TRADE_NOT_EXIST") && !c.retryable()
            ? Future.succeededFuture(false) : Future.failedFuture(e));
  }

  /** The clock the requests' timestamps are read from. */
  Clock clock() {
    return clock;
  }

  /**
   * {@code alipay.trade.refund}: the same {@code out_request_no} never refunds twice. Only fund_change Y says the money
   * went back; N (a repeated request, a refund still being processed) says nothing either way, and {@code status} is
   * then unknown until {@link #queryRefund} is asked.
   */
  public Future<Refund> refund(String outTradeNo, String outRequestNo, long refundFen, String reason) {
    JsonObject biz = new JsonObject().put("out_trade_no", outTradeNo).put("out_request_no", outRequestNo)
        .put("refund_amount", Money.fenToYuan(refundFen)).put("refund_reason", reason);
    return call("alipay.trade.refund", biz, null).map(r -> {
      // the answer that says the money went back must be about this trade (AnswerEcho): it confirms the refund at once
      AnswerEcho.check("alipay", "out_trade_no", outTradeNo, r.getValue("out_trade_no"), true, "WRONG_ORDER");
      boolean moved = "Y".equals(r.getString("fund_change"));
      return new Refund(outTradeNo, outRequestNo, moved, Money.yuanToFen(r.getString("refund_fee", "0")),
          moved ? "REFUND_SUCCESS" : "UNKNOWN");
    });
  }

  /**
   * {@code alipay.trade.fastpay.refund.query}: the refund is done only with refund_status REFUND_SUCCESS; an answer
   * without it means Alipay did not receive the refund or did not carry it out (status NOT_FOUND).
   */
  public Future<Refund> queryRefund(String outTradeNo, String outRequestNo) {
    JsonObject biz = new JsonObject().put("out_trade_no", outTradeNo).put("out_request_no", outRequestNo);
    return call("alipay.trade.fastpay.refund.query", biz, null).map(r -> {
      boolean done = "REFUND_SUCCESS".equals(r.getString("refund_status"));
      // optional in the answer, compared where it gives them; a refund done must name its own request
      AnswerEcho.check("alipay", "out_trade_no", outTradeNo, r.getValue("out_trade_no"), false, "WRONG_ORDER");
      AnswerEcho.check("alipay", "out_request_no", outRequestNo, r.getValue("out_request_no"), done, "WRONG_REFUND");
      // refund_amount: this request's amount, only where it is done (-1 where the answer does not say)
      long fen = done && r.containsKey("refund_amount") ? Money.yuanToFen(r.getString("refund_amount")) : -1;
      return new Refund(outTradeNo, outRequestNo, done, fen, done ? "REFUND_SUCCESS" : "NOT_FOUND");
    });
  }

  /**
   * {@code alipay.data.dataservice.bill.downloadurl.query}, then the zip, then the parsed detail: unzipped and parsed on
   * a worker, never on the event loop, a day's bill running to a hundred thousand lines.
   */
  public Future<AlipayBill> bill(LocalDate date) {
    JsonObject biz = new JsonObject().put("bill_type", "trade").put("bill_date", date.toString());
    return call("alipay.data.dataservice.bill.downloadurl.query", biz, null).compose(r -> {
      String url = required(r, "bill_download_url");
      return http.getAbs(url).send().compose(resp -> {
        Buffer zip = resp.bodyAsBuffer();
        if (resp.statusCode() != 200 || zip == null) {
          throw new ChannelException("BILL_DOWNLOAD", "bill download answered " + resp.statusCode(), resp.statusCode(), true);
        }
        return vertx.executeBlocking(() -> AlipayBill.parseZip(zip.getBytes()), false);
      });
    });
  }

  /** The signed form parameters of a call: also what a test or the sandbox checks. */
  public Map<String, String> signedParams(String method, JsonObject biz, String notifyUrl) {
    return signedParams(method, biz, notifyUrl, Map.of());
  }

  /** As above, with request parameters outside {@code biz_content} (as {@code alipay.system.oauth.token} takes them). */
  Map<String, String> signedParams(String method, JsonObject biz, String notifyUrl, Map<String, String> outside) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("app_id", merchant.appId());
    p.put("method", method);
    p.put("format", "JSON");
    p.put("charset", "utf-8");
    p.put("sign_type", "RSA2");
    p.put("timestamp", TIMESTAMP.format(clock.instant().atZone(CHINA)));
    p.put("version", "1.0");
    if (notifyUrl != null) {
      p.put("notify_url", notifyUrl);
    }
    if (biz != null) {
      p.put("biz_content", biz.encode());
    }
    if (merchant.appAuthToken() != null) {
      p.put("app_auth_token", merchant.appAuthToken()); // an ISV calling for the merchant that authorized it
    }
    p.putAll(outside);
    p.put("sign", AlipaySignatures.signRequest(merchant.appPrivateKey(), p));
    return p;
  }

  /**
   * {@code alipay.system.oauth.token} with {@code grant_type=authorization_code}: the mini-program's
   * {@code my.getAuthCode} code exchanged for the resident's {@code user_id} (or {@code open_id}, for
   * apps Alipay gives open ids). A refused code fails with the channel's sub_code ({@code isv.code-invalid}).
   */
  public Future<String> oauthUser(String code) {
    return call("alipay.system.oauth.token", () -> signedParams("alipay.system.oauth.token", null, null,
        Map.of("grant_type", "authorization_code", "code", code))).map(r -> {
          String user = r.getString("user_id", r.getString("open_id"));
          if (user == null || user.isBlank()) {
            throw new ChannelException("MALFORMED_RESPONSE", "the answer names no user_id or open_id", 200, true);
          }
          return user;
        });
  }

  private Future<JsonObject> call(String method, JsonObject biz, String notifyUrl) {
    return call(method, () -> signedParams(method, biz, notifyUrl));
  }

  /** Signs on the signing pool, posts, and checks the answer's signature there too. */
  private Future<JsonObject> call(String method, java.util.concurrent.Callable<Map<String, String>> params) {
    String member = method.replace('.', '_') + "_response";
    return signing.sign(params).compose(signed -> {
      MultiMap form = MultiMap.caseInsensitiveMultiMap();
      signed.forEach(form::add);
      return http.postAbs(gatewayUrl).sendForm(form, "UTF-8")
          .recover(e -> Future.failedFuture(new ChannelException("NETWORK", String.valueOf(e.getMessage()), 0, true)));
    }).compose(resp -> {
      if (resp.statusCode() != 200) {
        throw new ChannelException("HTTP_" + resp.statusCode(), "Alipay gateway answered " + resp.statusCode(),
            resp.statusCode(), true);
      }
      String body = resp.bodyAsBuffer() == null ? "" : resp.bodyAsBuffer().toString(StandardCharsets.UTF_8);
      JsonObject root;
      try {
        root = new JsonObject(body);
      } catch (RuntimeException e) {
        throw new ChannelException("MALFORMED_RESPONSE", "the answer is not JSON", 200, true);
      }
      // some methods (alipay.system.oauth.token) answer their errors under error_response
      String answered = root.getValue(member) == null && root.getValue("error_response") instanceof JsonObject
          ? "error_response" : member;
      JsonObject r = root.getValue(answered) instanceof JsonObject o ? o : null;
      if (r == null) {
        throw new ChannelException("MALFORMED_RESPONSE", "the answer has no " + member, 200, true);
      }
      String sign = root.getString("sign");
      return signing.verify(() -> sign != null && AlipaySignatures.verifyResponse(merchant.alipayPublicKey(), body, answered, sign))
          .map(signed -> believed(r, signed, answered.equals(member)));
    });
  }

  /** The answer's member, once its signature was checked. */
  private static JsonObject believed(JsonObject r, boolean signed, boolean underMember) {
    // alipay.system.oauth.token answers success without a code; every other method with 10000
    boolean ok = underMember && (r.getValue("code") == null || "10000".equals(r.getValue("code")));
    // Alipay may leave an error answer about the request itself (e.g. a bad app_id) unsigned.
    if (!signed && ok) {
      throw new ChannelException("RESPONSE_NOT_VERIFIED", "the answer is not signed by Alipay's key", 200, true);
    }
    if (!ok) {
      // an error not signed keeps its code for the log, but is never a final answer: it stays retryable
      String code = r.getString("sub_code", r.getString("code", "UNKNOWN"));
      throw new ChannelException(code, r.getString("sub_msg", r.getString("msg", "")), 200,
          !signed || "20000".equals(r.getString("code")) || code.endsWith("SYSTEM_ERROR"));
    }
    return r;
  }

  private static String required(JsonObject r, String field) {
    String v = r.getString(field);
    if (v == null || v.isEmpty()) {
      throw new ChannelException("MALFORMED_RESPONSE", "the answer has no " + field, 200, true);
    }
    return v;
  }
}
