package cn.liangxian.gateway.channel.wechat;

import cn.liangxian.channel.Crypto;
import cn.liangxian.channel.wechat.WechatPayScheme;
import cn.liangxian.channel.wechat.WechatPaySignatures;
import cn.liangxian.gateway.channel.AnswerEcho;
import cn.liangxian.gateway.channel.ChannelException;
import cn.liangxian.gateway.channel.Signing;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.HexFormat;

/**
 * WeChat Pay API v3, merchant side, over a non-blocking Vert.x {@link WebClient}: JSAPI and Native
 * prepay, query, close, refund and refund query, trade bills. Every request is signed; every response
 * with a body is verified against the live platform keys before it is believed.
 */
public final class WechatPayClient {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WechatPayClient.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Vertx vertx;
  private final WebClient http;
  private final String baseUrl;
  private final WechatPayMerchant merchant;
  private final Clock clock;
  private final Signing signing;

  /**
   * @param vertx whose workers read the bills; @param baseUrl {@code https://api.mch.weixin.qq.com}, or the sandbox's;
   * @param signing where signatures run
   */
  public WechatPayClient(Vertx vertx, WebClient http, String baseUrl, WechatPayMerchant merchant, Clock clock, Signing signing) {
    this.vertx = vertx;
    this.http = http;
    this.signing = signing;
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.merchant = merchant;
    this.clock = clock;
  }

  public WechatPayMerchant merchant() {
    return merchant;
  }

  /** What to prepay. {@code openid} for JSAPI (mini-program) only. */
  public record Prepay(String outTradeNo, String description, long totalFen, String notifyUrl,
      OffsetDateTime timeExpire, String openid, String attach) {}

  /** The parameters of {@code wx.requestPayment}. */
  public record MiniProgramPayment(String appId, String timeStamp, String nonceStr, String packageValue,
      String signType, String paySign) {}

  /** A transaction as the channel reports it. {@code tradeState} NOTFOUND when it has no such order. */
  public record Transaction(String outTradeNo, String transactionId, String tradeState, long totalFen,
      String mchid, String appid, String successTime) {}

  public record Refund(String outRefundNo, String refundId, String status, long refundFen) {}

  /** {@code POST /v3/pay/transactions/jsapi}: the mini-program's prepay id. */
  public Future<String> jsapi(Prepay p) {
    JsonObject body = prepayBody(p).put("payer", new JsonObject().put(merchant.partner() ? "sp_openid" : "openid", p.openid()));
    return call(HttpMethod.POST, transactions() + "/jsapi", body).map(r -> required(r, "prepay_id"));
  }

  /** Where the trades are: the partner API for a service provider's sub-merchant. */
  private String transactions() {
    return merchant.partner() ? "/v3/pay/partner/transactions" : "/v3/pay/transactions";
  }

  /** The query string naming the merchant of a trade. */
  private String merchantQuery() {
    return merchant.partner() ? "?sp_mchid=" + enc(merchant.mchid()) + "&sub_mchid=" + enc(merchant.subMchid())
        : "?mchid=" + enc(merchant.mchid());
  }

  /** {@code POST /v3/pay/transactions/native}: the {@code code_url} a kiosk shows as a QR code. */
  public Future<String> nativePay(Prepay p) {
    return call(HttpMethod.POST, transactions() + "/native", prepayBody(p)).map(r -> required(r, "code_url"));
  }

  /** {@link #miniProgramPayment} signed on the signing pool. */
  public Future<MiniProgramPayment> requestPayment(String prepayId) {
    return signing.sign(() -> miniProgramPayment(prepayId));
  }

  /** Signs {@code appId\ntimeStamp\nnonceStr\npackage\n} for {@code wx.requestPayment}. */
  public MiniProgramPayment miniProgramPayment(String prepayId) {
    String ts = Long.toString(clock.instant().getEpochSecond());
    String nonce = nonce();
    String pkg = "prepay_id=" + prepayId;
    String sig = Crypto.sign(merchant.scheme().signatureAlgorithm(), merchant.privateKey(),
        WechatPaySignatures.message(null, merchant.appId(), ts, nonce, pkg));
    return new MiniProgramPayment(merchant.appId(), ts, nonce, pkg,
        merchant.scheme() == WechatPayScheme.RSA ? "RSA" : "SM2", sig);
  }

  /**
   * {@code GET /v3/pay/transactions/out-trade-no/{out_trade_no}}. An answer naming another merchant or app than ours,
   * another trade than the one asked about ({@link AnswerEcho}), or saying the trade was paid in another currency than
   * CNY, is refused: it fails, and nothing is applied. NOTFOUND only on a verified ORDER_NOT_EXIST.
   */
  public Future<Transaction> query(String outTradeNo) {
    return call(HttpMethod.GET, transactions() + "/out-trade-no/" + enc(outTradeNo) + merchantQuery(), null)
        .map(r -> ours(r, outTradeNo))
        .map(r -> inRenminbi(r, outTradeNo))
        .map(r -> new Transaction(r.getString("out_trade_no"), r.getString("transaction_id"),
            r.getString("trade_state"), r.getJsonObject("amount", new JsonObject()).getLong("total", 0L),
            r.getString("mchid", r.getString("sp_mchid")), r.getString("appid", r.getString("sp_appid")), r.getString("success_time")))
        .recover(e -> e instanceof ChannelException c && c.code().equals("ORDER_NOT_EXIST") && !c.retryable()
            ? Future.succeededFuture(new Transaction(outTradeNo, null, "NOTFOUND", 0, merchant.mchid(), merchant.appId(), null))
            : Future.failedFuture(e));
  }

  /**
   * An answer is about our trade only if it names our merchant and app, as its notification must: mchid and appid; for
   * a service provider's sub-merchant, the provider's sp_mchid and sp_appid and the sub-merchant's sub_mchid. Whatever
   * state it reports, one naming any other is refused as Alipay's answer naming another seller is, and left to an
   * operator.
   */
  private JsonObject ours(JsonObject r, String outTradeNo) {
    boolean ours = merchant.partner()
        ? merchant.mchid().equals(r.getValue("sp_mchid")) && merchant.subMchid().equals(r.getValue("sub_mchid"))
            && merchant.appId().equals(r.getValue("sp_appid"))
        : merchant.mchid().equals(r.getValue("mchid")) && merchant.appId().equals(r.getValue("appid"));
    if (!ours) {
      String named = merchant.partner()
          ? "sp_mchid " + clipped(r.getValue("sp_mchid"), 32) + ", sub_mchid " + clipped(r.getValue("sub_mchid"), 32)
              + ", sp_appid " + clipped(r.getValue("sp_appid"), 32)
          : "mchid " + clipped(r.getValue("mchid"), 32) + ", appid " + clipped(r.getValue("appid"), 32);
      LOG.error("wechat answered a query of {} naming {}, not ours ({}): not applied; an operator must see to it",
          outTradeNo, named, merchant);
      throw new ChannelException("WRONG_MERCHANT", "the answer names " + named, 200, false);
    }
    // and about the trade asked for
    AnswerEcho.check("wechat", "out_trade_no", outTradeNo, r.getValue("out_trade_no"), true, "WRONG_ORDER");
    return r;
  }

  /**
   * A paid trade's total is fen of the order only in renminbi: one paid in another currency (amount.currency, or the
   * payer's, payer_currency, where it is given) is refused as its notification is, and left to an operator.
   */
  private static JsonObject inRenminbi(JsonObject r, String outTradeNo) {
    if (!"SUCCESS".equals(r.getValue("trade_state"))) {
      return r;
    }
    JsonObject amount = r.getValue("amount") instanceof JsonObject a ? a : new JsonObject();
    Object given = amount.getValue("currency");
    Object payerGiven = amount.getValue("payer_currency");
    if (!"CNY".equals(given) || payerGiven != null && !"CNY".equals(payerGiven)) {
      // a currency code is three letters: nothing longer reaches the log
      String currency = clipped(given, 8);
      String payer = clipped(payerGiven, 8);
      LOG.error("wechat answered a query of {} paid in {} (the payer in {}), not CNY: not applied; an operator must see to it",
          outTradeNo, currency, payer);
      throw new ChannelException("WRONG_CURRENCY", "the trade was paid in " + currency + " (the payer in " + payer + "), not CNY",
          200, false);
    }
    return r;
  }

  /** A value from an answer as it may reach the log: at most {@code max} characters of it. */
  private static String clipped(Object value, int max) {
    String s = String.valueOf(value);
    return s.length() > max ? s.substring(0, max) + "..." : s;
  }

  /**
   * {@code POST /v3/pay/transactions/out-trade-no/{out_trade_no}/close}: 204 on success. "202 USER_PAYING 用户支付中，需要
   * 输入密码" (the payer is typing the password) is a retryable failure ({@link #call}): the order is asked about again
   * rather than released while it is being paid.
   */
  public Future<Void> close(String outTradeNo) {
    // a trade the channel never recorded cannot be paid: as closed as a closed one (Alipay's close says the same),
    // when the answer saying so is verified
    JsonObject body = merchant.partner() ? new JsonObject().put("sp_mchid", merchant.mchid()).put("sub_mchid", merchant.subMchid())
        : new JsonObject().put("mchid", merchant.mchid());
    return call(HttpMethod.POST, transactions() + "/out-trade-no/" + enc(outTradeNo) + "/close", body).<Void>mapEmpty()
        .recover(e -> e instanceof ChannelException c && c.code().equals("ORDER_NOT_EXIST") && !c.retryable()
            ? Future.succeededFuture() : Future.failedFuture(e));
  }

  /** {@code POST /v3/refund/domestic/refunds}, idempotent on {@code out_refund_no}. */
  public Future<Refund> refund(String outTradeNo, String outRefundNo, String reason, long refundFen, long totalFen,
      String notifyUrl) {
    JsonObject body = new JsonObject().put("out_trade_no", outTradeNo).put("out_refund_no", outRefundNo)
        .put("reason", reason).put("notify_url", notifyUrl)
        .put("amount", new JsonObject().put("refund", refundFen).put("total", totalFen).put("currency", "CNY"));
    if (merchant.partner()) {
      body.put("sub_mchid", merchant.subMchid());
    }
    return call(HttpMethod.POST, "/v3/refund/domestic/refunds", body).map(WechatPayClient::refundOf);
  }

  /** {@code GET /v3/refund/domestic/refunds/{out_refund_no}}: an answer about another refund or trade is not taken ({@link AnswerEcho}). */
  public Future<Refund> queryRefund(String outTradeNo, String outRefundNo) {
    return call(HttpMethod.GET, "/v3/refund/domestic/refunds/" + enc(outRefundNo)
        + (merchant.partner() ? "?sub_mchid=" + enc(merchant.subMchid()) : ""), null).map(r -> {
          AnswerEcho.check("wechat", "out_refund_no", outRefundNo, r.getValue("out_refund_no"), true, "WRONG_REFUND");
          AnswerEcho.check("wechat", "out_trade_no", outTradeNo, r.getValue("out_trade_no"), true, "WRONG_ORDER");
          return refundOf(r);
        });
  }

  /**
   * {@code GET /v3/bill/tradebill}, then the download, its SHA1 checked, then parsed: both on a worker, never on the
   * event loop, a day's bill running to a hundred thousand lines (a second or two of CPU).
   */
  public Future<TradeBill> tradeBill(LocalDate date) {
    return call(HttpMethod.GET, "/v3/bill/tradebill?bill_date=" + date + "&bill_type=ALL"
        + (merchant.partner() ? "&sub_mchid=" + enc(merchant.subMchid()) : ""), null).compose(r -> {
      String url = required(r, "download_url");
      String hashType = r.getString("hash_type", "SHA1");
      String hash = r.getString("hash_value", "");
      URI uri = URI.create(url);
      String pathAndQuery = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
      // the download answer is the file itself: it carries no platform signature, the SHA1 vouches for it
      return send(HttpMethod.GET, baseUrl + pathAndQuery, pathAndQuery, null).compose(resp -> {
        if (resp.statusCode() != 200) {
          throw new ChannelException("BILL_DOWNLOAD", "bill download answered " + resp.statusCode(), resp.statusCode(), true);
        }
        Buffer body = resp.bodyAsBuffer();
        return vertx.executeBlocking(() -> bill(body == null ? new byte[0] : body.getBytes(), hashType, hash), false);
      });
    });
  }

  /** A downloaded bill, parsed once it matches the hash its download answer gave. */
  private static TradeBill bill(byte[] file, String hashType, String hash) {
    if (!"SHA1".equalsIgnoreCase(hashType) || !sha1(file).equalsIgnoreCase(hash)) {
      throw new ChannelException("BILL_HASH_MISMATCH", "downloaded bill does not match its SHA1", 200, true);
    }
    return TradeBill.parse(new String(file, StandardCharsets.UTF_8));
  }

  /** An answer as received, before any key is trusted: its body and the signature headers. */
  public record SignedAnswer(byte[] body, String timestamp, String nonce, String signature, String serial) {}

  /**
   * {@code GET /v3/certificates}: the platform certificates, not yet verified (the key that signed the
   * answer may be one of the certificates it carries; see {@link PlatformCertificates}).
   */
  public Future<SignedAnswer> certificates() {
    return send(HttpMethod.GET, baseUrl + "/v3/certificates", "/v3/certificates", null).map(resp -> {
      byte[] body = resp.bodyAsBuffer() == null ? new byte[0] : resp.bodyAsBuffer().getBytes();
      if (resp.statusCode() != 200) {
        throw new ChannelException("HTTP_" + resp.statusCode(), "certificate download answered " + resp.statusCode(),
            resp.statusCode(), true);
      }
      return new SignedAnswer(body, resp.getHeader("Wechatpay-Timestamp"), resp.getHeader("Wechatpay-Nonce"),
          resp.getHeader("Wechatpay-Signature"), resp.getHeader("Wechatpay-Serial"));
    });
  }

  private JsonObject prepayBody(Prepay p) {
    JsonObject body = (merchant.partner()
        ? new JsonObject().put("sp_appid", merchant.appId()).put("sp_mchid", merchant.mchid()).put("sub_mchid", merchant.subMchid())
        : new JsonObject().put("appid", merchant.appId()).put("mchid", merchant.mchid()))
        .put("description", p.description()).put("out_trade_no", p.outTradeNo()).put("notify_url", p.notifyUrl())
        .put("amount", new JsonObject().put("total", p.totalFen()).put("currency", "CNY"));
    if (p.timeExpire() != null) {
      // as the API documents it, "yyyy-MM-DDTHH:mm:ss+TIMEZONE" (2015-05-20T13:29:35+08:00): whole seconds (cut down: the
      // code ends no later than the order does) at Beijing's offset, never the instant's fractions and Z
      body.put("time_expire", cn.liangxian.gateway.time.BeijingTime.iso(p.timeExpire()));
    }
    if (p.attach() != null) {
      body.put("attach", p.attach());
    }
    return body;
  }

  private static Refund refundOf(JsonObject r) {
    return new Refund(r.getString("out_refund_no"), r.getString("refund_id"), r.getString("status"),
        r.getJsonObject("amount", new JsonObject()).getLong("refund", -1L));
  }

  /** A signed call whose answer must verify; a 2xx without body gives an empty object. */
  private Future<JsonObject> call(HttpMethod method, String pathAndQuery, JsonObject body) {
    byte[] bytes = body == null ? new byte[0] : body.encode().getBytes(StandardCharsets.UTF_8);
    return send(method, baseUrl + pathAndQuery, pathAndQuery, bytes).compose(resp -> {
      byte[] answer = resp.bodyAsBuffer() == null ? new byte[0] : resp.bodyAsBuffer().getBytes();
      return signing.verify(() -> verifies(resp, answer)).map(verified -> {
        if (resp.statusCode() / 100 != 2) {
          // An error we cannot verify is never taken as a final answer: it stays retryable.
          JsonObject err = answer.length == 0 ? new JsonObject() : parseOrEmpty(answer);
          String code = err.getString("code", "HTTP_" + resp.statusCode());
          throw new ChannelException(code, err.getString("message", ""), resp.statusCode(), !verified
              || resp.statusCode() >= 500 || code.equals("SYSTEM_ERROR") || code.equals("FREQUENCY_LIMITED"));
        }
        if (!verified) {
          throw new ChannelException("RESPONSE_NOT_VERIFIED", "the answer is not signed by a live WeChat Pay platform key"
              + " (serial " + resp.getHeader("Wechatpay-Serial") + ")", resp.statusCode(), true);
        }
        JsonObject ok = answer.length == 0 ? new JsonObject() : parse(answer);
        if (ok.getValue("code") instanceof String code) {
          // a 2xx that carries a code is no success: "202 USER_PAYING 用户支付中" to a close (wait, then query); asked again
          throw new ChannelException(code, ok.getString("message", ""), resp.statusCode(), true);
        }
        return ok;
      });
    });
  }

  private Future<HttpResponse<Buffer>> send(HttpMethod method, String absoluteUrl, String pathAndQuery, byte[] body) {
    long ts = clock.instant().getEpochSecond();
    String nonce = nonce();
    byte[] signed = body == null ? new byte[0] : body;
    return signing.sign(() -> WechatPaySignatures.authorization(merchant.scheme(), merchant.mchid(), merchant.serialNo(),
        merchant.privateKey(), method.name(), pathAndQuery, ts, nonce, signed)).compose(auth -> {
          HttpRequest<Buffer> req = http.requestAbs(method, absoluteUrl)
              .putHeader("Authorization", auth)
              .putHeader("Accept", "application/json")
              .putHeader("User-Agent", "liangxian-gateway");
          merchant.platformKeys().publicKeyId().ifPresent(id -> req.putHeader("Wechatpay-Serial", id));
          if (body == null || method == HttpMethod.GET) {
            return req.send();
          }
          return req.putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body));
        }).recover(e -> Future.failedFuture(e instanceof ChannelException ? e
            : new ChannelException("NETWORK", String.valueOf(e.getMessage()), 0, true)));
  }

  private boolean verifies(HttpResponse<Buffer> resp, byte[] body) {
    String ts = resp.getHeader("Wechatpay-Timestamp");
    String nonce = resp.getHeader("Wechatpay-Nonce");
    String sig = resp.getHeader("Wechatpay-Signature");
    var key = merchant.platformKeys().get(resp.getHeader("Wechatpay-Serial"));
    return ts != null && nonce != null && sig != null && key.isPresent()
        && WechatPaySignatures.verify(merchant.scheme(), key.get(), WechatPaySignatures.responseMessage(ts, nonce, body), sig);
  }

  private static JsonObject parseOrEmpty(byte[] body) {
    try {
      return new JsonObject(Buffer.buffer(body));
    } catch (RuntimeException e) {
      return new JsonObject();
    }
  }

  private static JsonObject parse(byte[] body) {
    try {
      return new JsonObject(Buffer.buffer(body));
    } catch (RuntimeException e) {
      throw new ChannelException("MALFORMED_RESPONSE", "the answer is not JSON", 0, true);
    }
  }

  private static String required(JsonObject r, String field) {
    String v = r.getString(field);
    if (v == null || v.isEmpty()) {
      throw new ChannelException("MALFORMED_RESPONSE", "the answer has no " + field, 200, true);
    }
    return v;
  }

  static String nonce() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return HexFormat.of().withUpperCase().formatHex(b);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String sha1(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
