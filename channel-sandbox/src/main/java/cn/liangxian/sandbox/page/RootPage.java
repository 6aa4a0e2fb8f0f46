package cn.liangxian.sandbox.page;

import cn.liangxian.channel.Money;
import cn.liangxian.sandbox.ledger.Ledger;
import cn.liangxian.sandbox.ledger.Trade;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /}: what the sandbox serves, and the pay page of every trade still waiting to be paid. */
public final class RootPage {
  private final Ledger ledger;

  public RootPage(Ledger ledger) {
    this.ledger = ledger;
  }

  public void routes(Router router) {
    router.get("/").handler(this::show);
  }

  private void show(RoutingContext ctx) {
    StringBuilder b = new StringBuilder("<!doctype html><html lang=zh-CN><meta charset=utf-8>"
        + "<meta name=viewport content=\"width=device-width\"><title>支付渠道沙箱</title><style>body{font:17px sans-serif;"
        + "margin:1.5em;max-width:46em}li{margin:.4em 0}code{background:#eee;padding:0 .3em}</style>"
        + "<h1>支付渠道沙箱（演示，不产生真实扣款）</h1><p>WeChat Pay API v3, Alipay's open API and UnionPay's online payment API as the gateway calls them, "
        + "with keys of their own.</p><ul>"
        + "<li><a href=\"/sandbox/payments\">/sandbox/payments</a>: every confirmed payment (JSON)</li>"
        + "<li><code>/sandbox/pay/{wechat|alipay|unionpay}/{out_trade_no}</code>: the page a QR code opens, with 确认支付</li>"
        + "<li><code>POST /sandbox/sheet/wechat</code>, <code>POST /sandbox/sheet/alipay</code>: the mini-program pay sheet "
        + "(<code>wx.requestPayment</code> / <code>my.tradePay</code> parameters, checked)</li>"
        + "<li><code>POST /sandbox/faults</code>: injected faults</li></ul><h2>等待支付的交易</h2><ul id=open>");
    int n = 0;
    for (Trade t : ledger.trades()) {
      if (t.paidAt() == null && !t.state().toUpperCase().contains("CLOSE")) {
        String ch = t.channel().name().toLowerCase();
        b.append("<li><a href=\"/sandbox/pay/").append(ch).append('/').append(t.outTradeNo()).append("\">")
            .append(switch (t.channel()) {
              case WECHAT -> "微信支付";
              case ALIPAY -> "支付宝";
              case UNIONPAY -> "云闪付";
            }).append(" ¥").append(Money.fenToYuan(t.totalFen()))
            .append(' ').append(t.outTradeNo()).append("</a></li>");
        n++;
      }
    }
    if (n == 0) {
      b.append("<li>（没有）</li>");
    }
    ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").putHeader("Cache-Control", "no-store")
        .end(b.append("</ul></html>").toString());
  }
}
