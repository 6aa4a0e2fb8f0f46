package cn.liangxian.sandbox.alipay;

import cn.liangxian.channel.Money;
import cn.liangxian.channel.alipay.AlipaySignatures;
import cn.liangxian.sandbox.Signer;
import cn.liangxian.sandbox.fault.Faults;
import cn.liangxian.sandbox.ledger.Ledger;
import cn.liangxian.sandbox.ledger.Refund;
import cn.liangxian.sandbox.ledger.Trade;
import cn.liangxian.sandbox.login.Logins;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Alipay's open API gateway ({@code POST /gateway.do}) as an app calls it: precreate (QR) and create
 * (mini-program), query, close, refund, refund query and the bill's download URL; every request's RSA2
 * signature checked, every answer signed. Runs on the sandbox's context.
 */
public final class AlipayApi {
  private static final ZoneId CHINA = ZoneId.of("Asia/Shanghai");
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private final AlipayPlatform platform;
  private final Map<String, AlipayApp> apps;
  private final Ledger ledger;
  private final Supplier<String> baseUrl;
  private final Clock clock;
  private final Logins logins;
  private final Signer signer;
  private final Faults faults;

  public AlipayApi(AlipayPlatform platform, Map<String, AlipayApp> apps, Ledger ledger, Supplier<String> baseUrl, Clock clock,
      Logins logins, Signer signer, Faults faults) {
    this.signer = signer;
    this.faults = faults;
    this.platform = platform;
    this.apps = apps;
    this.ledger = ledger;
    this.baseUrl = baseUrl;
    this.clock = clock;
    this.logins = logins;
  }

  public void routes(Router router) {
    router.post("/gateway.do").handler(this::call);
    router.get("/sandbox/alipay/bill").handler(new AlipayBill(ledger)::file);
  }

  private void call(RoutingContext ctx) {
    Map<String, String> p = new LinkedHashMap<>();
    ctx.request().formAttributes().forEach(e -> p.put(e.getKey(), e.getValue()));
    String method = p.getOrDefault("method", "");
    String member = method.replace('.', '_') + "_response";
    AlipayApp app = apps.get(p.getOrDefault("app_id", ""));
    if (app == null || app.appKey() == null) {
      answer(ctx, member, new JsonObject().put("code", "40002").put("msg", "Invalid Arguments")
          .put("sub_code", "isv.invalid-app-id").put("sub_msg", "无效的AppID参数"), false);
      return;
    }
    if (!AlipaySignatures.verifyRequest(app.appKey(), p)) {
      answer(ctx, member, new JsonObject().put("code", "40002").put("msg", "Invalid Arguments")
          .put("sub_code", "isv.invalid-signature").put("sub_msg", "验签出错"), false);
      return;
    }
    if (method.equals("alipay.system.oauth.token")) {
      oauthToken(ctx, app, p);
      return;
    }
    // an ISV calling for a merchant that authorized it: the merchant's app and seller act
    String token = p.get("app_auth_token");
    AlipayApp acting = token == null ? app : apps.values().stream()
        .filter(a -> token.equals(a.authToken()) && app.appId().equals(a.isvAppId())).findFirst().orElse(null);
    if (acting == null) {
      answer(ctx, member, fail("40002", "aop.invalid-app-auth-token", "无效的应用授权令牌"), true);
      return;
    }
    JsonObject biz;
    try {
      biz = new JsonObject(p.getOrDefault("biz_content", "{}"));
    } catch (RuntimeException e) {
      answer(ctx, member, fail("40002", "isv.invalid-biz-content", "biz_content"), true);
      return;
    }
    JsonObject r = switch (method) {
      case "alipay.trade.precreate", "alipay.trade.create" -> create(acting, method, biz, p.get("notify_url"));
      case "alipay.trade.query" -> query(biz);
      case "alipay.trade.close" -> close(biz);
      case "alipay.trade.refund" -> refund(biz);
      case "alipay.trade.fastpay.refund.query" -> refundQuery(biz);
      case "alipay.data.dataservice.bill.downloadurl.query" -> billNotOut(acting, biz) ? fail("40004", "isp.bill_not_exist", "账单不存在")
          : new JsonObject().put("code", "10000").put("msg", "Success")
          .put("bill_download_url", baseUrl.get() + "/sandbox/alipay/bill?app_id=" + acting.appId() + "&bill_date="
              + biz.getString("bill_date", ""));
      default -> fail("40004", "isv.invalid-method", "不存在的方法名");
    };
    answer(ctx, member, r, true);
  }

  /**
   * {@code alipay.system.oauth.token}: {@code grant_type} and {@code code} are request parameters (no
   * biz_content); a refused code is answered, signed, under {@code error_response}.
   */
  private void oauthToken(RoutingContext ctx, AlipayApp app, Map<String, String> p) {
    Logins.AlipayGrant g = logins.redeemAlipay(app.appId(), p.get("grant_type"), p.get("code"));
    if (g.userId() == null) {
      answer(ctx, "error_response", fail("40002", g.subCode(), g.subMsg()), true);
      return;
    }
    String token = "authusrB" + Long.toHexString(System.nanoTime()) + ledger.next();
    answer(ctx, "alipay_system_oauth_token_response", new JsonObject().put("user_id", g.userId()).put("access_token", token)
        .put("expires_in", "1296000").put("refresh_token", token + "r").put("re_expires_in", "2592000")
        .put("auth_start", TIME.format(clock.instant().atZone(CHINA))), true);
  }

  private JsonObject create(AlipayApp app, String method, JsonObject biz, String notifyUrl) {
    String no = biz.getString("out_trade_no");
    long fen;
    try {
      fen = Money.yuanToFen(biz.getString("total_amount"));
    } catch (IllegalArgumentException e) {
      return fail("40004", "ACQ.INVALID_PARAMETER", "total_amount");
    }
    boolean mini = method.equals("alipay.trade.create");
    if (no == null || fen <= 0 || notifyUrl == null || (mini && biz.getString("buyer_id") == null && biz.getString("buyer_open_id") == null)) {
      return fail("40004", "ACQ.INVALID_PARAMETER", "参数无效");
    }
    Trade t = ledger.get(no);
    if (t != null && (t.totalFen() != fen || !t.state().equals("WAIT_BUYER_PAY"))) {
      return fail("40004", t.state().equals("TRADE_SUCCESS") ? "ACQ.TRADE_HAS_SUCCESS" : "ACQ.TRADE_HAS_CLOSE", "交易状态不合法");
    }
    if (t == null) {
      t = new Trade(Trade.Channel.ALIPAY, app.sellerId(), app.appId(), no, fen, biz.getString("subject"), notifyUrl,
          mini ? "JSAPI" : "QR", "2019" + System.nanoTime() % 1_000_000_000L + ledger.next(), clock.instant(),
          "WAIT_BUYER_PAY").buyer(mini ? biz.getString("buyer_id", biz.getString("buyer_open_id")) : null).via(app.isvAppId());
      String expire = biz.getString("time_expire");
      if (expire != null) {
        // absolute, Beijing time: no payment past it, whenever the code was scanned
        try {
          t.payBy(java.time.LocalDateTime.parse(expire, TIME).atZone(CHINA).toInstant());
        } catch (java.time.format.DateTimeParseException e) {
          return fail("40004", "ACQ.INVALID_PARAMETER", "time_expire");
        }
      }
      if (!mini) {
        t.awaitingScan(); // Alipay opens a QR code's trade when the code is scanned
      }
      ledger.open(t);
    }
    JsonObject r = new JsonObject().put("code", "10000").put("msg", "Success").put("out_trade_no", no);
    return mini ? r.put("trade_no", t.tradeNo()) : r.put("qr_code", baseUrl.get() + "/sandbox/pay/alipay/" + no);
  }

  private JsonObject query(JsonObject biz) {
    Trade t = ledger.get(biz.getString("out_trade_no", ""));
    if (t == null || t.channel() != Trade.Channel.ALIPAY || !t.scanned()) {
      return fail("40004", "ACQ.TRADE_NOT_EXIST", "交易不存在");
    }
    JsonObject r = new JsonObject().put("code", "10000").put("msg", "Success").put("trade_no", t.tradeNo())
        .put("out_trade_no", t.outTradeNo()).put("trade_status", t.state()).put("total_amount", Money.fenToYuan(t.totalFen()));
    if (t.payer() != null) {
      r.put("buyer_user_id", t.payer()).put("send_pay_date", TIME.format(t.paidAt().atZone(CHINA)));
    }
    return r;
  }

  private JsonObject close(JsonObject biz) {
    Trade t = ledger.get(biz.getString("out_trade_no", ""));
    if (t == null || !t.scanned()) {
      // a QR code nobody has scanned has no trade to close, and stays payable until its time_expire
      return fail("40004", "ACQ.TRADE_NOT_EXIST", "交易不存在");
    }
    // only a trade waiting for its buyer closes; Alipay refuses one closed already as it refuses a paid one
    if (!t.state().equals("WAIT_BUYER_PAY")) {
      return fail("40004", "ACQ.TRADE_STATUS_ERROR", "交易状态不合法");
    }
    t.state("TRADE_CLOSED");
    return new JsonObject().put("code", "10000").put("msg", "Success").put("out_trade_no", t.outTradeNo())
        .put("trade_no", t.tradeNo());
  }

  private JsonObject refund(JsonObject biz) {
    Trade t = ledger.get(biz.getString("out_trade_no", ""));
    String req = biz.getString("out_request_no", biz.getString("out_trade_no"));
    if (t == null || !t.scanned()) {
      return fail("40004", "ACQ.TRADE_NOT_EXIST", "交易不存在");
    }
    long fen;
    try {
      fen = Money.yuanToFen(biz.getString("refund_amount"));
    } catch (IllegalArgumentException e) {
      return fail("40004", "ACQ.INVALID_PARAMETER", "refund_amount");
    }
    Refund existing = t.refund(req).orElse(null);
    Faults.UnmovedRefund unmoved = null;
    if (existing == null) {
      if (!t.state().equals("TRADE_SUCCESS")) {
        // not paid, or closed (refunded in full)
        return fail("40004", "ACQ.TRADE_STATUS_ERROR", "交易状态不合法");
      }
      if (fen <= 0 || t.refundedFen() + fen > t.totalFen()) {
        return fail("40004", "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限");
      }
      unmoved = faults.takeAlipayRefundUnmoved();
      if (unmoved != Faults.UnmovedRefund.NOT_RECEIVED) {
        t.add(new Refund(req, "R" + ledger.next(), fen, biz.getString("refund_reason"), clock.instant()));
      }
    }
    // a repeated out_request_no answers the first refund again and moves no money (fund_change N); so does a refund
    // Alipay has not carried out when it answers
    boolean moved = existing == null && unmoved == null;
    return new JsonObject().put("code", "10000").put("msg", "Success").put("trade_no", t.tradeNo())
        .put("out_trade_no", t.outTradeNo()).put("fund_change", moved ? "Y" : "N")
        .put("refund_fee", Money.fenToYuan(unmoved == Faults.UnmovedRefund.DONE_AFTER_ANSWER ? t.refundedFen() - fen : t.refundedFen()));
  }

  private JsonObject refundQuery(JsonObject biz) {
    Trade t = ledger.get(biz.getString("out_trade_no", ""));
    String req = biz.getString("out_request_no", "");
    JsonObject r = new JsonObject().put("code", "10000").put("msg", "Success").put("out_trade_no", biz.getString("out_trade_no"))
        .put("out_request_no", req);
    if (t != null) {
      t.refund(req).ifPresent(x -> r.put("refund_amount", Money.fenToYuan(x.fen())).put("refund_status", "REFUND_SUCCESS")
          .put("total_amount", Money.fenToYuan(t.totalFen())));
    }
    return r;
  }

  private void answer(RoutingContext ctx, String member, JsonObject r, boolean sign) {
    String raw = r.encode();
    if (!sign) {
      ctx.response().putHeader("Content-Type", "application/json;charset=utf-8").end("{\"" + member + "\":" + raw + "}");
      return;
    }
    signer.sign(() -> platform.signAnswer(raw)).onComplete(signed -> {
      if (signed.failed()) {
        ctx.fail(signed.cause());
        return;
      }
      ctx.response().putHeader("Content-Type", "application/json;charset=utf-8")
          .end("{\"" + member + "\":" + raw + ",\"sign\":\"" + signed.result() + "\"}");
    });
  }

  private boolean billNotOut(AlipayApp acting, JsonObject biz) {
    try {
      return faults.alipayBillNotOut(acting.appId(), java.time.LocalDate.parse(biz.getString("bill_date", "")));
    } catch (java.time.format.DateTimeParseException e) {
      return false; // the bill's own page answers a date it cannot read
    }
  }

  private static JsonObject fail(String code, String subCode, String subMsg) {
    return new JsonObject().put("code", code).put("msg", code.equals("40004") ? "Business Failed" : "Invalid Arguments")
        .put("sub_code", subCode).put("sub_msg", subMsg);
  }
}
