package cn.liangxian.sandbox.page;

import cn.liangxian.channel.Money;
import cn.liangxian.sandbox.ledger.Ledger;
import cn.liangxian.sandbox.ledger.Trade;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/**
 * What a QR code of the sandbox opens, {@code /sandbox/pay/{channel}/{out_trade_no}}: the trade and a
 * button that completes the payment as a resident's phone would.
 */
public final class PayPage {
  private final Ledger ledger;
  private final Function<String, Future<Void>> pay;

  /** @param pay pays the trade of an out_trade_no and notifies the merchant */
  public PayPage(Ledger ledger, Function<String, Future<Void>> pay) {
    this.ledger = ledger;
    this.pay = pay;
  }

  public void routes(Router router) {
    router.get("/sandbox/pay/:channel/:no").handler(this::show);
    router.post("/sandbox/pay/:channel/:no").handler(this::submit);
  }

  private void show(RoutingContext ctx) {
    Trade t = ledger.get(ctx.pathParam("no"));
    if (t == null) {
      ctx.response().setStatusCode(404).putHeader("Content-Type", "text/html; charset=utf-8").end(page("没有这笔交易", ""));
      return;
    }
    t.scan(); // what scanning the code opens: Alipay has the trade from now on
    String action = "/sandbox/pay/" + ctx.pathParam("channel") + "/" + t.outTradeNo();
    ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").end(page(
        switch (t.channel()) {
          case WECHAT -> "微信支付";
          case ALIPAY -> "支付宝";
          case UNIONPAY -> "云闪付 银联二维码";
        } + "（演示）",
        "<p>" + escape(t.description()) + "</p><p class=amount>¥" + Money.fenToYuan(t.totalFen()) + "</p>"
            + "<form method=post action=\"" + action + "\"><button type=submit id=pay>确认支付</button></form>"));
  }

  private void submit(RoutingContext ctx) {
    pay.apply(ctx.pathParam("no"))
        .onSuccess(v -> ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").end(page("支付成功", "<p>请回到自助机或缴费页面查看结果和凭证。</p><p><a href=\"/\">沙箱首页</a></p>")))
        // what a payer's app says of a code it cannot pay (closed, expired, paid already): in Chinese, as the page is;
        // the sandbox's reason, in English, beside it for whoever runs the demo
        .onFailure(e -> ctx.response().setStatusCode(409).putHeader("Content-Type", "text/html; charset=utf-8")
            .end(page("无法付款", "<p>这个付款码已失效或已经付过款，没有扣款。请回到自助机或缴费页面重新办理。</p>"
                + "<p class=why><small>" + escape(e.getMessage()) + "</small></p>")));
  }

  private static String page(String title, String body) {
    return "<!doctype html><html lang=zh-CN><meta charset=utf-8><meta name=viewport content=\"width=device-width\">"
        + "<title>" + title + "</title><style>body{font:20px sans-serif;margin:2em;text-align:center}"
        + ".amount{font-size:2em}button{font-size:1.2em;padding:.6em 2em}</style><h1>" + title + "</h1>" + body + "</html>";
  }

  private static String escape(String s) {
    return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
