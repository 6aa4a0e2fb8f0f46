package cn.liangxian.gateway.channel;

import cn.liangxian.gateway.channel.alipay.AlipayClient;
import cn.liangxian.gateway.channel.alipay.AlipayLogin;
import cn.liangxian.gateway.channel.alipay.AlipayMerchant;
import cn.liangxian.gateway.channel.wechat.MiniProgramLogin;
import cn.liangxian.gateway.config.GatewayOptions;
import cn.liangxian.gateway.config.ResidentOptions;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.util.Map;

/** The mini-programs' logins by channel name ("wechat", "alipay"). */
public record ResidentLogins(Map<String, ResidentLogin> byChannel) {
  public ResidentLogins {
    byChannel = Map.copyOf(byChannel);
  }

  /** Logins at given addresses: WeChat's {@code jscode2session} service, and the Alipay app's gateway. */
  public static ResidentLogins of(Vertx vertx, Clock clock, Signing signing, String wechatApiUrl, String wechatAppId, String wechatAppSecret,
      AlipayMerchant alipay, String alipayGatewayUrl) {
    WebClient http = ChannelHttp.client(vertx);
    return new ResidentLogins(Map.of("wechat", new MiniProgramLogin(http, wechatApiUrl, wechatAppId, wechatAppSecret),
        "alipay", new AlipayLogin(new AlipayClient(vertx, http, alipayGatewayUrl, alipay, clock, signing))));
  }

  /** The real services, with the mini-program's AppSecret from its file (or {@code GATEWAY_WECHAT_APP_SECRET}). */
  public static ResidentLogins real(Vertx vertx, GatewayOptions options, Channels channels, Clock clock) {
    ResidentOptions r = options.residents();
    String appId = r.wechatAppId() != null ? r.wechatAppId() : options.wechat().appId();
    String secret = Channels.secret(options, r.wechatAppSecretFile(), "GATEWAY_WECHAT_APP_SECRET").strip();
    return of(vertx, clock, channels.signing(), r.wechatApiUrl(), appId, secret, channels.alipay(), options.alipay().gatewayUrl());
  }
}
