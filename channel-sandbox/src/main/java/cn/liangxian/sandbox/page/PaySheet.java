package cn.liangxian.sandbox.page;

import cn.liangxian.channel.wechat.WechatPaySignatures;
import cn.liangxian.sandbox.ledger.Ledger;
import cn.liangxian.sandbox.ledger.Trade;
import cn.liangxian.sandbox.wechat.WechatMerchant;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.function.Function;

/**
 * The pay sheet a phone raises inside a mini-program, imitated for the demo page: it takes what
 * {@code wx.requestPayment} and {@code my.tradePay} take and checks them as the real sheet does before it shows
 * the amount. WeChat: {@code package} names a JSAPI prepay of this app, and {@code paySign} verifies with the
 * merchant's key over {@code appId\ntimeStamp\nnonceStr\npackage\n}; Alipay: {@code tradeNO} is a trade
 * created for a mini-program and still waiting. {@code confirm: true} is the resident's 确认支付. Answers carry
 * the real APIs' results ({@code errMsg: "requestPayment:ok"}, {@code resultCode: "9000"}). Any origin may call
 * (the demo page is served by the gateway).
 */
public final class PaySheet {
  private final Ledger ledger;
  private final Map<String, WechatMerchant> merchants;
  private final Function<String, Future<Void>> pay;

  public PaySheet(Ledger ledger, Map<String, WechatMerchant> merchants, Function<String, Future<Void>> pay) {
    this.ledger = ledger;
    this.merchants = merchants;
    this.pay = pay;
  }

  public void routes(Router router) {
    router.route("/sandbox/sheet/*").handler(ctx -> {
      ctx.response().putHeader("Access-Control-Allow-Origin", "*").putHeader("Access-Control-Allow-Headers", "Content-Type")
          .putHeader("Access-Control-Allow-Methods", "POST");
      if (ctx.request().method().name().equals("OPTIONS")) {
        ctx.response().setStatusCode(204).end();
      } else {
        ctx.next();
      }
    });
    router.post("/sandbox/sheet/wechat").handler(this::wechat);
    router.post("/sandbox/sheet/alipay").handler(this::alipay);
  }

  private void wechat(RoutingContext ctx) {
    JsonObject p = body(ctx);
    String pkg = p.getString("package", "");
    Trade t = pkg.startsWith("prepay_id=wx") ? ledger.get(pkg.substring("prepay_id=wx".length())) : null;
    WechatMerchant m = t == null ? null : merchants.get(t.via() != null ? t.via() : t.merchantId());
    String fail = null;
    if (t == null || t.channel() != Trade.Channel.WECHAT || !"JSAPI".equals(t.tradeType()) || m == null) {
      fail = "package 不是本应用的预支付交易";
    } else if (!t.appId().equals(p.getString("appId"))) {
      fail = "appId 与预支付交易不符";
    } else if (!String.valueOf(p.getString("timeStamp")).matches("\\d{10}") || p.getString("nonceStr", "").isEmpty()) {
      fail = "timeStamp 或 nonceStr 不正确";
    } else if (!WechatPaySignatures.verify(m.scheme(), m.merchantKey(), WechatPaySignatures.message(null,
        p.getString("appId"), p.getString("timeStamp"), p.getString("nonceStr"), pkg), p.getString("paySign", ""))) {
      fail = "支付验证签名失败";
    } else if (!"NOTPAY".equals(t.state())) {
      fail = "该订单已" + ("SUCCESS".equals(t.state()) ? "支付" : "关闭");
    }
    if (fail != null) {
      ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("errMsg", "requestPayment:fail " + fail).encode());
      return;
    }
    answer(ctx, t, p.getBoolean("confirm", false), new JsonObject().put("errMsg", "requestPayment:ok"));
  }

  private void alipay(RoutingContext ctx) {
    JsonObject p = body(ctx);
    String no = p.getString("tradeNO", "");
    Trade t = ledger.trades().stream().filter(x -> x.channel() == Trade.Channel.ALIPAY && no.equals(x.tradeNo()))
        .findFirst().orElse(null);
    if (t == null || !"WAIT_BUYER_PAY".equals(t.state())) {
      // 4000: 订单支付失败, as my.tradePay reports a trade it cannot pay
      ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("resultCode", "4000").put("memo", t == null ? "交易不存在" : "交易状态不合法").encode());
      return;
    }
    answer(ctx, t, p.getBoolean("confirm", false), new JsonObject().put("resultCode", "9000"));
  }

  /** Without confirm: what the sheet shows. With it: the payment, and the API's success answer. */
  private void answer(RoutingContext ctx, Trade t, boolean confirm, JsonObject ok) {
    if (!confirm) {
      ctx.response().putHeader("Content-Type", "application/json").end(new JsonObject().put("totalFen", t.totalFen())
          .put("description", t.description()).put("channel", t.channel().name().toLowerCase()).encode());
      return;
    }
    pay.apply(t.outTradeNo()).onComplete(ar -> ctx.response().setStatusCode(ar.succeeded() ? 200 : 409)
        .putHeader("Content-Type", "application/json").end((ar.succeeded() ? ok
            : new JsonObject().put("errMsg", "requestPayment:fail " + ar.cause().getMessage())).encode()));
  }

  private static JsonObject body(RoutingContext ctx) {
    try {
      JsonObject b = ctx.body().asJsonObject();
      return b == null ? new JsonObject() : b;
    } catch (RuntimeException e) {
      return new JsonObject();
    }
  }
}
