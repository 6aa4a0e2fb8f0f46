package cn.liangxian.sandbox.alipay;

import cn.liangxian.channel.Money;
import cn.liangxian.sandbox.Signer;
import cn.liangxian.sandbox.fault.Delivery;
import cn.liangxian.sandbox.ledger.Ledger;
import cn.liangxian.sandbox.ledger.Trade;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/** Alipay's asynchronous notification: a signed form, posted until the merchant answers {@code success}. */
public final class AlipayNotifier {
  private static final ZoneId CHINA = ZoneId.of("Asia/Shanghai");
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private final AlipayPlatform platform;
  private final Ledger ledger;
  private final Delivery delivery;
  private final WebClient http;
  private final Clock clock;
  private final Signer signer;

  public AlipayNotifier(AlipayPlatform platform, Ledger ledger, Delivery delivery, WebClient http, Clock clock,
      Signer signer) {
    this.signer = signer;
    this.platform = platform;
    this.ledger = ledger;
    this.delivery = delivery;
    this.http = http;
    this.clock = clock;
  }

  /** TRADE_SUCCESS for a paid trade, to the notify_url it was created with. */
  public void paid(Trade t) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("notify_time", TIME.format(clock.instant().atZone(CHINA)));
    f.put("notify_type", "trade_status_sync");
    f.put("notify_id", "sandbox" + ledger.next());
    // for an ISV's trade: its app_id, and the merchant's app as auth_app_id
    f.put("app_id", t.via() != null ? t.via() : t.appId());
    f.put("auth_app_id", t.appId());
    f.put("seller_id", t.merchantId());
    f.put("charset", "utf-8");
    f.put("version", "1.0");
    f.put("trade_no", t.tradeNo());
    f.put("out_trade_no", t.outTradeNo());
    f.put("buyer_id", t.payer());
    f.put("trade_status", "TRADE_SUCCESS");
    f.put("total_amount", Money.fenToYuan(t.totalFen()));
    f.put("receipt_amount", Money.fenToYuan(t.totalFen()));
    f.put("gmt_payment", TIME.format(t.paidAt().atZone(CHINA)));
    f.put("subject", t.description());
    f.put("sign_type", "RSA2");
    // signed once, off the event loop; every delivery of it (a duplicate, a retry) sends the same notification
    Map<String, String> unsigned = new LinkedHashMap<>(f);
    Future<String> signature = signer.sign(() -> platform.signNotification(unsigned));
    delivery.deliver("alipay", t.outTradeNo(), "TRADE_SUCCESS", () -> signature.compose(sign -> {
      MultiMap form = MultiMap.caseInsensitiveMultiMap();
      f.forEach(form::add);
      form.add("sign", sign);
      return http.postAbs(t.notifyUrl()).sendForm(form, "UTF-8")
          .map(r -> r.statusCode() == 200 && "success".equals(r.bodyAsString()) ? 200 : Math.max(r.statusCode(), 299));
    }));
  }
}
