package cn.liangxian.gateway.channel.alipay;

import cn.liangxian.gateway.channel.ChannelException;
import cn.liangxian.gateway.channel.ResidentLogin;
import io.vertx.core.Future;
import java.util.Set;

/** Alipay mini-program login: {@code alipay.system.oauth.token}, signed as every call of the app. */
public final class AlipayLogin implements ResidentLogin {
  /** The code is unknown, used, expired or another app's; or the user has withdrawn the app's authorisation. */
  private static final Set<String> REFUSED_CODES = Set.of("isv.code-invalid", "isv.invalid-code", "isv.code-expired",
      "isv.user-cancel-auth");

  private final AlipayClient client;

  public AlipayLogin(AlipayClient client) {
    this.client = client;
  }

  @Override
  public String channel() {
    return "alipay";
  }

  @Override
  public Future<String> subject(String code) {
    return client.oauthUser(code).recover(e -> Future.failedFuture(
        e instanceof ChannelException c && REFUSED_CODES.contains(c.code()) ? new CodeRefused(c.code()) : e));
  }
}
