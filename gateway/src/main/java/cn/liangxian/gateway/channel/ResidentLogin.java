package cn.liangxian.gateway.channel;

import io.vertx.core.Future;

/**
 * A mini-program's login at its channel: the one-time code the phone got ({@code wx.login},
 * {@code my.getAuthCode}) exchanged, server to server, for who the resident is at that channel
 * (WeChat's openid in the mini-program, Alipay's user id). Only what the channel says is trusted.
 */
public interface ResidentLogin {

  /** {@code wechat} or {@code alipay}: the channel the identity pays with. */
  String channel();

  /**
   * The resident's id at the channel. Fails with {@link CodeRefused} when the channel refuses the code
   * (unknown, used, expired, another app's), or with a {@link ChannelException} when the channel could
   * not answer or refuses this gateway itself (a wrong app id or secret).
   */
  Future<String> subject(String code);

  /** The channel refused the code itself: the phone must log in again; nothing is wrong with the gateway. */
  final class CodeRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CodeRefused(String channelCode) {
      super("the channel refused the login code: " + channelCode, null, false, false);
    }
  }
}
