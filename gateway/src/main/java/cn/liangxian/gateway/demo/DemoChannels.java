package cn.liangxian.gateway.demo;

import cn.liangxian.gateway.channel.Channels;
import cn.liangxian.gateway.channel.alipay.AlipayMerchant;
import cn.liangxian.gateway.channel.sandbox.ChannelSandbox;
import cn.liangxian.gateway.channel.wechat.PlatformKeys;
import cn.liangxian.gateway.channel.wechat.WechatPayMerchant;
import cn.liangxian.gateway.channel.wechat.WechatPayScheme;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.function.Supplier;

/** Demo and tests: both channels answered by the loopback sandbox, with merchant keys made for this run. */
public final class DemoChannels {
  private DemoChannels() {}

  /** The sandbox started on its port, and channels that speak to it as to the real ones. */
  public record Started(ChannelSandbox sandbox, Channels channels) {}

  public static Future<Started> start(Vertx vertx, Clock clock, int sandboxPort, Supplier<String> callbackBaseUrl) {
    ChannelSandbox sandbox = new ChannelSandbox(vertx, clock);
    KeyPair merchantKey = rsa();
    KeyPair appKey = rsa();
    byte[] apiV3Key = new byte[32];
    new SecureRandom().nextBytes(apiV3Key);
    for (int i = 0; i < apiV3Key.length; i++) {
      apiV3Key[i] = (byte) ('a' + Math.floorMod(apiV3Key[i], 26)); // the API v3 key is 32 printable characters
    }
    String mchid = "1900000001";
    String appId = "wxdemo0000000001";
    sandbox.registerWechat(new ChannelSandbox.WechatMerchant(mchid, appId, merchantKey.getPublic(), apiV3Key, WechatPayScheme.RSA));
    sandbox.registerAlipay(new ChannelSandbox.AlipayApp("2021000000000001", appKey.getPublic()));
    return sandbox.listen(sandboxPort).map(port -> {
      WechatPayMerchant wechat = new WechatPayMerchant(mchid, appId, "DEMO-MERCHANT-SERIAL", merchantKey.getPrivate(), apiV3Key,
          WechatPayScheme.RSA, new PlatformKeys().put(sandbox.wechatSerial(), sandbox.wechatPlatformKey(WechatPayScheme.RSA)));
      AlipayMerchant alipay = new AlipayMerchant("2021000000000001", appKey.getPrivate(), sandbox.alipayPublicKey());
      return new Started(sandbox, Channels.of(vertx, clock, wechat, sandbox.baseUrl(), alipay, sandbox.baseUrl() + "/gateway.do",
          callbackBaseUrl));
    });
  }

  private static KeyPair rsa() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
