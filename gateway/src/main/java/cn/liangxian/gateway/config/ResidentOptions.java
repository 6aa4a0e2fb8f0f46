package cn.liangxian.gateway.config;

/**
 * Residents of the mini-programs: how long a login lasts, and WeChat's login service for the
 * mini-program (its AppSecret lives in a file of the key directory or the environment, never here).
 * Alipay's mini-program is the app of {@code channels.alipay}: its codes are exchanged with that app's key.
 *
 * @param wechatAppId the mini-program's appid; null: {@code channels.wechat.appId} (a JSAPI payment must be
 *     made in the app the openid belongs to)
 * @param loginsPerMinutePerAddress the logins an address may make, for every instance together: phones behind a
 *     carrier's NAT share one, so far more than an operator's
 */
public record ResidentOptions(int sessionMinutes, String wechatApiUrl, String wechatAppId, String wechatAppSecretFile,
    int loginsPerMinutePerAddress) {

  static ResidentOptions read(Settings r) {
    Settings w = r.section("wechat");
    ResidentOptions o = new ResidentOptions(r.integer("sessionMinutes", "GATEWAY_SESSION_MINUTES", 120, 1, 30 * 24 * 60),
        w.string("apiUrl", null, "https://api.weixin.qq.com"), w.string("appId", null, null),
        w.string("appSecretFile", null, "wechat-mini-program.secret"),
        r.integer("loginsPerMinutePerAddress", "GATEWAY_RESIDENT_LOGINS_PER_MINUTE_PER_ADDRESS", 600, 1, Integer.MAX_VALUE));
    w.done();
    r.done();
    return o;
  }
}
