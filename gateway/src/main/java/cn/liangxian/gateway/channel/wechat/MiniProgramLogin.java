package cn.liangxian.gateway.channel.wechat;

import cn.liangxian.gateway.channel.ChannelException;
import cn.liangxian.gateway.channel.ResidentLogin;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.Set;

/**
 * WeChat mini-program login: {@code GET /sns/jscode2session?appid&secret&js_code&grant_type=authorization_code}
 * on {@code api.weixin.qq.com}, answered (as {@code text/plain}) with {@code openid} and {@code session_key},
 * or {@code errcode}/{@code errmsg}. The session key is not kept: the gateway needs only who paid.
 */
public final class MiniProgramLogin implements ResidentLogin {
  /** Codes WeChat refuses as the phone's: invalid (or another app's, or expired), already used, a user held as risky. */
  private static final Set<Integer> REFUSED_CODES = Set.of(40029, 40163, 40226);

  private final WebClient http;
  private final String apiUrl;
  private final String appId;
  private final String appSecret;

  /** @param apiUrl {@code https://api.weixin.qq.com}, or a stand-in's */
  public MiniProgramLogin(WebClient http, String apiUrl, String appId, String appSecret) {
    this.http = http;
    this.apiUrl = apiUrl;
    this.appId = appId;
    this.appSecret = appSecret;
  }

  @Override
  public String channel() {
    return "wechat";
  }

  @Override
  public Future<String> subject(String code) {
    return http.getAbs(apiUrl + "/sns/jscode2session").addQueryParam("appid", appId).addQueryParam("secret", appSecret)
        .addQueryParam("js_code", code).addQueryParam("grant_type", "authorization_code").send()
        .recover(e -> Future.failedFuture(new ChannelException("NETWORK", String.valueOf(e.getMessage()), 0, true)))
        .map(resp -> {
          if (resp.statusCode() != 200) {
            throw new ChannelException("HTTP_" + resp.statusCode(), "jscode2session answered " + resp.statusCode(),
                resp.statusCode(), true);
          }
          JsonObject r;
          try {
            r = new JsonObject(resp.bodyAsString());
          } catch (RuntimeException e) {
            throw new ChannelException("MALFORMED_RESPONSE", "jscode2session did not answer JSON", 200, true);
          }
          int errcode = r.getValue("errcode") instanceof Number n ? n.intValue() : 0;
          String openid = r.getValue("openid") instanceof String s ? s : null;
          if (errcode == 0 && openid != null && !openid.isBlank()) {
            return openid;
          }
          if (REFUSED_CODES.contains(errcode)) {
            throw new CodeRefused(Integer.toString(errcode));
          }
          // -1 busy, 45011 too frequent, 40013 / 40125 a wrong appid or secret: the gateway's side, not the phone's
          throw new ChannelException(Integer.toString(errcode), String.valueOf(r.getValue("errmsg")), 200,
              errcode == -1 || errcode == 45011);
        });
  }
}
