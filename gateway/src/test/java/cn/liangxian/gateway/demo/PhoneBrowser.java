package cn.liangxian.gateway.demo;

import cn.liangxian.chromium.Cdp;
import cn.liangxian.chromium.Chromium;
import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Headless Chromium as a 390×844 phone on the demo's pages, driven by taps over the DevTools protocol: a test's phone is a
 * tab of its own in a browser context of its own, on the one Chromium this JVM starts for its screen tests.
 */
final class PhoneBrowser implements AutoCloseable {
  private final Chromium.Tab tab;
  final Cdp page;

  PhoneBrowser() throws Exception {
    tab = Chromium.tab(TestGateway.repo().resolve("kiosk-agent/scripts/ensure-chromium.sh"));
    page = tab.page;
    try {
      page.send("Emulation.setDeviceMetricsOverride", new JsonObject().put("width", 390).put("height", 844)
          .put("deviceScaleFactor", 1).put("mobile", true));
    } catch (Exception | AssertionError e) {
      try {
        tab.close();
      } catch (Exception | AssertionError closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  void open(String url) throws Exception {
    page.send("Page.navigate", new JsonObject().put("url", url));
    Eventually.until("the page " + url, () -> Boolean.TRUE.equals(page.eval(
        "document.readyState === 'complete' && !!document.querySelector('script')")));
  }

  boolean visible(String selector) throws Exception {
    return Boolean.TRUE.equals(page.eval("(() => { const e = document.querySelector(\"" + selector
        + "\"); return !!e && e.offsetParent !== null; })()"));
  }

  void waitVisible(String selector) throws Exception {
    Eventually.until(selector + " on screen", () -> visible(selector));
  }

  String text(String selector) throws Exception {
    Object t = page.eval("(document.querySelector(\"" + selector + "\") || {}).innerText");
    return t == null ? "" : t.toString();
  }

  void type(String selector, String value) throws Exception {
    page.eval("(() => { const e = document.querySelector(\"" + selector + "\"); e.value = " + JsonObject.of("v", value).encode()
        + ".v; e.dispatchEvent(new Event('input')); })()");
  }

  /** A press and release at the element's centre, as a finger gives, once it is on screen and enabled. */
  void tap(String selector) throws Exception {
    Eventually.until(selector + " to tap", () -> Boolean.TRUE.equals(page.eval("(() => { const e = document.querySelector(\""
        + selector + "\"); return !!e && !e.disabled && e.offsetParent !== null; })()")));
    JsonObject r = new JsonObject((String) page.eval("JSON.stringify((() => { const e = document.querySelector(\"" + selector
        + "\"); e.scrollIntoView({block: 'center'}); const b = e.getBoundingClientRect(); return {x: b.x + b.width / 2, y: b.y + b.height / 2}; })())"));
    tapAt(r.getDouble("x"), r.getDouble("y"));
  }

  /** A press and release at a point of the screen (the dimmed page above a sheet, say). */
  void tapAt(double x, double y) throws Exception {
    for (String type : List.of("mousePressed", "mouseReleased")) {
      page.send("Input.dispatchMouseEvent", new JsonObject().put("type", type).put("x", x)
          .put("y", y).put("button", "left").put("clickCount", 1));
    }
  }

  @Override
  public void close() throws Exception {
    tab.close();
  }
}
