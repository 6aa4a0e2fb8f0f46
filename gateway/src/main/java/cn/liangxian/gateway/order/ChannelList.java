package cn.liangxian.gateway.order;

import cn.liangxian.gateway.http.Replies;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/** {@code GET /api/v1/channels}: what this deployment offers, so a kiosk or a page shows only those. */
public final class ChannelList {
  private final JsonObject body;

  public ChannelList(Set<String> channels) {
    JsonArray list = new JsonArray();
    for (String name : new String[] {"wechat", "alipay", "unionpay"}) {
      if (channels.contains(name)) {
        list.add(switch (name) {
          case "wechat" -> new JsonObject().put("name", name).put("title", "微信支付").put("modes", new JsonArray().add("qr").add("mini"));
          case "alipay" -> new JsonObject().put("name", name).put("title", "支付宝").put("modes", new JsonArray().add("qr").add("mini"));
          default -> new JsonObject().put("name", name).put("title", "云闪付 / 银联").put("modes", new JsonArray().add("qr"));
        });
      }
    }
    body = new JsonObject().put("channels", list);
  }

  public void handle(RoutingContext ctx) {
    Replies.json(ctx, 200, body);
  }
}
