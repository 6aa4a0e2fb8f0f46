package cn.liangxian.kiosk.ui;

import cn.liangxian.chromium.Cdp;
import cn.liangxian.chromium.Chromium;
import cn.liangxian.kiosk.Await;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Headless Chromium on the touch UI, driven by touches over the DevTools protocol: a test's screen is a tab of its own in a
 * browser context of its own, on the one Chromium this JVM starts for its screen tests.
 */
final class KioskBrowser implements AutoCloseable {

  static final Path SHOTS = Path.of("target", "e2e-screenshots");

  private final Chromium.Tab tab;
  final Cdp page;
  /** Touches given since the last {@link #countFromHere()}. */
  int touches;

  KioskBrowser() throws Exception {
    Files.createDirectories(SHOTS);
    tab = Chromium.tab(Path.of("scripts", "ensure-chromium.sh"));
    page = tab.page;
  }

  void viewport(int w, int h) throws Exception {
    page.send("Emulation.setDeviceMetricsOverride", new JsonObject().put("width", w).put("height", h)
        .put("deviceScaleFactor", 1).put("mobile", false));
  }

  void navigate(String url) throws Exception {
    page.send("Page.navigate", new JsonObject().put("url", url));
  }

  void waitScreen(String screen) throws Exception {
    waitFor(() -> screen.equals(page.eval("(document.querySelector('#screen') || {dataset: {}}).dataset.screen")));
  }

  String text(String selector) throws Exception {
    Object t = page.eval("(document.querySelector(\"" + selector + "\") || {}).innerText");
    return t == null ? "" : t.toString();
  }

  /** A press and release at the element's centre, as a finger gives. */
  void touch(String selector) throws Exception {
    waitFor(() -> Boolean.TRUE.equals(page.eval("(() => { const e = document.querySelector(\"" + selector
        + "\"); return !!e && !e.disabled && e.offsetParent !== null; })()")));
    JsonObject r = new JsonObject((String) page.eval("JSON.stringify((() => { const e = document.querySelector(\"" + selector
        + "\"); e.scrollIntoView({block: 'center'}); const b = e.getBoundingClientRect(); return {x: b.x + b.width / 2, y: b.y + b.height / 2}; })())"));
    touches++;
    for (String type : List.of("mousePressed", "mouseReleased")) {
      page.send("Input.dispatchMouseEvent", new JsonObject().put("type", type).put("x", r.getDouble("x"))
          .put("y", r.getDouble("y")).put("button", "left").put("clickCount", 1));
    }
  }

  void countFromHere() {
    touches = 0;
  }

  /**
   * The labels on screen that a line break or the edge cuts: the text of a visible button or heading laid out on
   * more than one line, or wider than its box.
   */
  @SuppressWarnings("unchecked")
  List<Object> brokenLabels() throws Exception {
    Object r = page.eval("JSON.stringify([...document.querySelectorAll('button, h1, h2, .big, .badge, .total, .error, .hint')]"
        + ".filter(e => e.offsetParent !== null && e.innerText.trim()).filter(e => {"
        + " const w = document.createTreeWalker(e, NodeFilter.SHOW_TEXT); let n, broken = false;"
        + " while ((n = w.nextNode())) { if (!n.textContent.trim()) continue; const range = document.createRange();"
        + " range.selectNodeContents(n); const tops = new Set([...range.getClientRects()].filter(r => r.width > 1)"
        + ".map(r => Math.round(r.top))); if (tops.size > 1) broken = true; }"
        + " return broken || e.scrollWidth > e.clientWidth + 1; }).map(e => e.innerText))");
    return new JsonArray((String) r).getList();
  }

  void shot(String name) throws Exception {
    // two frames: what the test just read from the page has been painted
    page.eval("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))");
    JsonObject r = page.send("Page.captureScreenshot", new JsonObject().put("format", "png"));
    Files.write(SHOTS.resolve(name + ".png"), Base64.getDecoder().decode(r.getString("data")));
  }

  static void waitFor(Callable<Boolean> c) throws Exception {
    Await.until(c);
  }

  @Override
  public void close() throws Exception {
    tab.close();
  }
}
