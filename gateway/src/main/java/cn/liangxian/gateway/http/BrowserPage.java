package cn.liangxian.gateway.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * What a phone's browser is shown when a page it asked for is not there, or cannot be served now: a short Chinese page, not the problem+json
 * programs read. A resident reaches the gateway in a browser only through a receipt's QR code ({@code /r/…}) and the
 * demonstration ({@code /demo/}); one who shortens the address, or mistypes it, lands on {@code /} or {@code /r/}.
 * Programs (no {@code text/html} in Accept) and the API's, health and metrics paths keep problem+json.
 */
final class BrowserPage {
  private BrowserPage() {}

  private static String page(String title, String... paragraphs) {
    StringBuilder sb = new StringBuilder("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>").append(title).append("</title><style>"
        + "body{margin:0;font-family:'Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif;background:#ededed;color:#111;font-size:19px}"
        + "header{background:#07a35a;color:#fff;padding:14px 16px;font-size:18px;text-align:center}"
        + "main{margin:16px;padding:18px;border-radius:10px;background:#fff;line-height:1.7}"
        + "h1{font-size:22px;margin:0 0 8px;color:#d4380d;text-align:center}p{margin:8px 0}.n{display:inline-block}</style></head><body>"
        + "<header>城乡居民医疗/养老保险缴费</header><main><h1>").append(title).append("</h1>");
    for (String p : paragraphs) {
      sb.append("<p>").append(p).append("</p>");
    }
    return sb.append("</main></body></html>").toString();
  }

  static final String NOT_FOUND = page("没有这个页面", "这个网址不对，请核对后重新打开。",
      // in phrases, each kept whole on its line: a browser breaks Chinese between any two characters (手 / 机)
      "<span class=\"n\">缴费：</span><span class=\"n\">请用村（社区）的自助缴费机，</span>"
          + "<span class=\"n\">或微信、支付宝里的缴费小程序。</span>",
      "<span class=\"n\">核验缴费凭证：</span><span class=\"n\">请用手机扫描凭证上的二维码。</span>",
      "有疑问请联系村（社区）协办员。");

  /** A page the gateway could not serve now (busy, the database failing over, a fault of ours): nothing was changed. */
  static final String BUSY = page("系统繁忙", "系统暂时繁忙，这次没有查到结果。",
      "<span class=\"n\">请稍等几秒后刷新本页，</span><span class=\"n\">或重新扫描凭证上的二维码。</span>",
      "有疑问请联系村（社区）协办员。");

  /**
   * The page for a browser's failed request for a page, or null when the request is not one (a program's, or the API's,
   * health, metrics and document paths): those keep problem+json.
   */
  static String of(RoutingContext ctx, int status, String path) {
    HttpMethod m = ctx.request().method();
    if (!(HttpMethod.GET.equals(m) || HttpMethod.HEAD.equals(m))) {
      return null;
    }
    String accept = ctx.request().getHeader("Accept");
    if (accept == null || !accept.contains("text/html") || path == null || path.startsWith("/api/")
        || path.startsWith("/health") || path.startsWith("/metrics") || path.startsWith("/openapi")) {
      return null;
    }
    return status == 429 || status >= 500 ? BUSY : NOT_FOUND;
  }
}
