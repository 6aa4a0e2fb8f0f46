package cn.liangxian.sandbox.wechat;

import cn.liangxian.sandbox.Signer;
import cn.liangxian.sandbox.fault.Faults;
import cn.liangxian.sandbox.ledger.Ledger;
import cn.liangxian.sandbox.ledger.Refund;
import cn.liangxian.sandbox.ledger.Trade;
import cn.liangxian.channel.Pem;
import cn.liangxian.channel.wechat.ResourceCipher;
import cn.liangxian.channel.wechat.WechatPayScheme;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;

/**
 * WeChat Pay API v3 as a merchant calls it: JSAPI and Native prepay, query, close, refund and refund
 * query, every request's signature checked and every answer signed. Runs on the sandbox's context.
 */
public final class WechatApi {
  private final Ledger ledger;
  private final WechatPlatform platform;
  private final WechatSigning signing;
  private final WechatNotifier notifier;
  private final WechatBill bill;
  private final Supplier<String> baseUrl;
  private final Clock clock;
  private final Faults faults;

  public WechatApi(WechatPlatform platform, Map<String, WechatMerchant> merchants, Ledger ledger, WechatNotifier notifier,
      Supplier<String> baseUrl, Clock clock, Signer signer, Faults faults) {
    this.ledger = ledger;
    this.platform = platform;
    this.signing = new WechatSigning(platform, merchants, ledger, clock, signer);
    this.notifier = notifier;
    this.bill = new WechatBill(ledger, signing, baseUrl, faults);
    this.faults = faults;
    this.baseUrl = baseUrl;
    this.clock = clock;
  }

  public void routes(Router router) {
    router.post("/v3/pay/transactions/jsapi").handler(ctx -> prepay(ctx, "JSAPI"));
    router.post("/v3/pay/transactions/native").handler(ctx -> prepay(ctx, "NATIVE"));
    router.get("/v3/pay/transactions/out-trade-no/:no").handler(this::query);
    // a service provider (服务商) for its sub-merchants
    router.post("/v3/pay/partner/transactions/jsapi").handler(ctx -> partnerPrepay(ctx, "JSAPI"));
    router.post("/v3/pay/partner/transactions/native").handler(ctx -> partnerPrepay(ctx, "NATIVE"));
    router.get("/v3/pay/partner/transactions/out-trade-no/:no").handler(this::partnerQuery);
    router.post("/v3/pay/partner/transactions/out-trade-no/:no/close").handler(this::close);
    router.post("/v3/pay/transactions/out-trade-no/:no/close").handler(this::close);
    router.post("/v3/refund/domestic/refunds").handler(this::refund);
    router.get("/v3/refund/domestic/refunds/:no").handler(this::refundQuery);
    router.get("/v3/bill/tradebill").handler(bill::tradeBill);
    router.get("/v3/billdownload/file").handler(bill::file);
    router.get("/v3/certificates").handler(this::certificates);
  }

  /** {@code GET /v3/certificates}: every platform certificate, each PEM encrypted with the merchant's API v3 key. */
  private void certificates(RoutingContext ctx) {
    WechatMerchant m = signing.authenticated(ctx);
    if (m == null) {
      return;
    }
    if (m.scheme() != WechatPayScheme.RSA) {
      signing.error(ctx, m, 400, "PARAM_ERROR", "国密商户请使用 algorithm_type=SM2");
      return;
    }
    JsonArray data = new JsonArray();
    for (WechatPlatform.PlatformCertificate c : platform.certificates()) {
      if (!c.certificate().getNotAfter().toInstant().isAfter(clock.instant())) {
        continue; // an expired certificate is no longer listed
      }
      String nonce = WechatPlatform.nonce(6);
      String ciphertext;
      try {
        ciphertext = ResourceCipher.encrypt("AEAD_AES_256_GCM", m.apiV3Key(), nonce, "certificate",
            Pem.write(c.certificate()).getBytes(StandardCharsets.UTF_8));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
      data.add(new JsonObject().put("serial_no", c.serial())
          .put("effective_time", WechatResources.createTime(c.certificate().getNotBefore().toInstant()))
          .put("expire_time", WechatResources.createTime(c.certificate().getNotAfter().toInstant()))
          .put("encrypt_certificate", new JsonObject().put("algorithm", "AEAD_AES_256_GCM").put("nonce", nonce)
              .put("associated_data", "certificate").put("ciphertext", ciphertext)));
    }
    signing.answer(ctx, m, 200, new JsonObject().put("data", data));
  }

  private void prepay(RoutingContext ctx, String type) {
    WechatMerchant m = signing.authenticated(ctx);
    JsonObject b = m == null ? null : json(ctx);
    if (b == null) {
      return;
    }
    JsonObject amount = b.getJsonObject("amount", new JsonObject());
    String no = b.getString("out_trade_no");
    if (no == null || amount.getLong("total", 0L) <= 0 || b.getString("notify_url") == null
        || !m.mchid().equals(b.getString("mchid")) || !m.appId().equals(b.getString("appid"))
        || (type.equals("JSAPI") && b.getJsonObject("payer", new JsonObject()).getString("openid") == null)) {
      signing.error(ctx, m, 400, "PARAM_ERROR", "参数错误");
      return;
    }
    open(ctx, m, type, b, m.mchid(), b.getJsonObject("payer", new JsonObject()).getString("openid"), null);
  }

  /**
   * Opens the trade (once: the same order again is answered as before, another amount or a trade no longer
   * open is refused as WeChat Pay does) for {@code mchid}, opened by {@code via} (a service provider) or
   * by the merchant itself, and answers the prepay id or the code URL.
   */
  private void open(RoutingContext ctx, WechatMerchant m, String type, JsonObject b, String mchid, String openid, String via) {
    String no = b.getString("out_trade_no");
    long total = b.getJsonObject("amount").getLong("total");
    Trade existing = ledger.get(no);
    if (existing != null && (existing.totalFen() != total || !existing.state().equals("NOTPAY"))) {
      signing.error(ctx, m, 400, existing.state().equals("SUCCESS") ? "ORDERPAID" : "OUT_TRADE_NO_USED", "商户订单号重复");
      return;
    }
    if (existing == null) {
      Trade t = new Trade(Trade.Channel.WECHAT, mchid, m.appId(), no, total, b.getString("description"), b.getString("notify_url"),
          type, "42000" + ledger.next() + System.nanoTime() % 100000, clock.instant(), "NOTPAY").buyer(openid);
      ledger.open(via == null ? t : t.via(via));
    }
    signing.answer(ctx, m, 200, type.equals("JSAPI") ? new JsonObject().put("prepay_id", "wx" + no)
        : new JsonObject().put("code_url", baseUrl.get() + "/sandbox/pay/wechat/" + no));
  }

  /** A service provider's prepay for a sub-merchant: the trade is the sub-merchant's, opened by the provider. */
  private void partnerPrepay(RoutingContext ctx, String type) {
    WechatMerchant m = signing.authenticated(ctx);
    JsonObject b = m == null ? null : json(ctx);
    if (b == null) {
      return;
    }
    JsonObject amount = b.getJsonObject("amount", new JsonObject());
    String no = b.getString("out_trade_no");
    String subMchid = b.getString("sub_mchid");
    String openid = b.getJsonObject("payer", new JsonObject()).getString("sp_openid");
    if (no == null || subMchid == null || amount.getLong("total", 0L) <= 0 || b.getString("notify_url") == null
        || !m.mchid().equals(b.getString("sp_mchid")) || !m.appId().equals(b.getString("sp_appid"))
        || (type.equals("JSAPI") && openid == null)) {
      signing.error(ctx, m, 400, "PARAM_ERROR", "参数错误");
      return;
    }
    open(ctx, m, type, b, subMchid, openid, m.mchid());
  }

  private void partnerQuery(RoutingContext ctx) {
    WechatMerchant m = signing.authenticated(ctx);
    if (m == null) {
      return;
    }
    Trade t = ledger.get(ctx.pathParam("no"));
    if (t == null || !m.mchid().equals(t.via()) || !t.merchantId().equals(ctx.queryParams().get("sub_mchid"))) {
      signing.error(ctx, m, 404, "ORDER_NOT_EXIST", "订单不存在");
      return;
    }
    signing.answer(ctx, m, 200, WechatResources.partnerTransaction(t));
  }

  private void query(RoutingContext ctx) {
    WechatMerchant m = signing.authenticated(ctx);
    if (m == null) {
      return;
    }
    Trade t = ledger.get(ctx.pathParam("no"));
    if (t == null || !t.merchantId().equals(m.mchid())) {
      signing.error(ctx, m, 404, "ORDER_NOT_EXIST", "订单不存在");
      return;
    }
    signing.answer(ctx, m, 200, WechatResources.transaction(t));
  }

  private void close(RoutingContext ctx) {
    WechatMerchant m = signing.authenticated(ctx);
    if (m == null) {
      return;
    }
    Trade t = ledger.get(ctx.pathParam("no"));
    if (t == null) {
      signing.error(ctx, m, 404, "ORDER_NOT_EXIST", "订单不存在");
      return;
    }
    if (t.state().equals("SUCCESS") || t.state().equals("REFUND")) {
      signing.error(ctx, m, 400, "ORDERPAID", "订单已支付");
      return;
    }
    t.state("CLOSED");
    signing.signed(ctx, m, 204, new byte[0]);
  }

  private void refund(RoutingContext ctx) {
    WechatMerchant m = signing.authenticated(ctx);
    JsonObject b = m == null ? null : json(ctx);
    if (b == null) {
      return;
    }
    Trade t = ledger.get(b.getString("out_trade_no", ""));
    long fen = b.getJsonObject("amount", new JsonObject()).getLong("refund", 0L);
    String outRefundNo = b.getString("out_refund_no");
    // a trade of the calling merchant's (or, for a service provider, of the sub-merchant it names) only
    if (t == null || outRefundNo == null || !(t.merchantId().equals(m.mchid())
        || m.mchid().equals(t.via()) && t.merchantId().equals(b.getString("sub_mchid")))) {
      signing.error(ctx, m, 404, "RESOURCE_NOT_EXISTS", "订单不存在");
      return;
    }
    // amount.total is the original order's amount, as WeChat Pay checks it ("原订单金额")
    Long total = b.getJsonObject("amount", new JsonObject()).getLong("total");
    if (total == null || total != t.totalFen()) {
      signing.error(ctx, m, 400, "PARAM_ERROR", "原订单金额与订单不一致");
      return;
    }
    Refund refund = t.refund(outRefundNo).orElse(null);
    boolean fresh = refund == null;
    if (fresh && t.payerAccountClosed()) {
      signing.error(ctx, m, 403, "USER_ACCOUNT_ABNORMAL", "用户账户异常或已注销，不能原路退回，请使用其他方式进行退款");
      return;
    }
    if (fresh) {
      if (!(t.state().equals("SUCCESS") || t.state().equals("REFUND")) || fen <= 0 || t.refundedFen() + fen > t.totalFen()) {
        signing.error(ctx, m, 400, "INVALID_REQUEST", "订单状态或退款金额不正确");
        return;
      }
      refund = new Refund(outRefundNo, "5030" + ledger.next(), fen, b.getString("reason"), clock.instant());
      t.add(refund);
    }
    // a repeated out_refund_no answers the first refund again and refunds nothing more
    signing.answer(ctx, m, 200, WechatResources.refund(t, refund, "PROCESSING"));
    if (fresh) {
      notifier.refunded(m, b.getString("notify_url", t.notifyUrl()), t, refund);
    }
  }

  private void refundQuery(RoutingContext ctx) {
    WechatMerchant m = signing.authenticated(ctx);
    if (m == null) {
      return;
    }
    for (Trade t : ledger.trades()) {
      for (Refund r : t.refunds()) {
        if (r.outRefundNo().equals(ctx.pathParam("no"))) {
          signing.answer(ctx, m, 200, WechatResources.refund(t, r, faults.wechatRefundHeld(r.outRefundNo()) ? "ABNORMAL" : "SUCCESS"));
          return;
        }
      }
    }
    signing.error(ctx, m, 404, "RESOURCE_NOT_EXISTS", "退款单不存在");
  }

  /** The request body as JSON; otherwise answers 400 itself and gives null. */
  private static JsonObject json(RoutingContext ctx) {
    try {
      return ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("code", "PARAM_ERROR").put("message", "body is not JSON").encode());
      return null;
    }
  }
}
